using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// Feedback is durable through the endpoint: the real app with its SQLite store on a temp file serves a card and
/// takes feedback on it, is stopped, and a new app on the same file takes the same feedback again (an EHR retrying
/// after a lost answer) without a second row; the feedback report shows the card once, accepted once.
/// </summary>
public sealed class FeedbackRestartTests : IDisposable
{
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"crscdshooks-e2e-{Guid.NewGuid():N}.db");

    [Fact]
    public async Task Feedback_PostedAgainAfterRestart_StoredOnce_AndReported()
    {
        string cardUuid;
        string feedback;
        using (var first = StartHost())
        {
            using var served = await first.CallAsync(SampleExpectations.Request("astct-grade2-hypotension.json"));
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            var card = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["cards"]!.AsArray().Single()!;
            cardUuid = card["uuid"]!.GetValue<string>();
            feedback = Feedback(cardUuid, card["suggestions"]?.AsArray().Select(s => s!["uuid"]!.GetValue<string>()).Take(1).ToArray() ?? []);

            using var stored = await first.PostJsonAsync(FeedbackPath, feedback);
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        IReadOnlyList<FeedbackReportRow> report;
        using (var second = StartHost())
        {
            using var again = await second.PostJsonAsync(FeedbackPath, feedback);
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            report = await second.Services.GetRequiredService<IFeedbackReport>().GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None);
        }

        var row = Assert.Single(report);
        Assert.Equal("crs-patient-view", row.ServiceId);
        Assert.Equal("crs", row.CardKind);
        Assert.Equal("crs astct2019 2/2; infection none-found; anaphylaxis none-found", row.GradeSummary);
        Assert.Equal((1L, 1L, 1L, 0L), (row.CardsServed, row.FeedbackCount, row.Accepted, row.Overridden));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM feedback WHERE card_uuid = $card", cardUuid));
        Assert.Equal(1L, await CountAsync("SELECT COUNT(*) FROM served_card WHERE card_uuid = $card", cardUuid));
    }

    [Fact]
    public async Task Feedback_SameInstantWrittenWithAnotherOffset_AfterRestart_StoredOnce()
    {
        const string card = "5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02";
        using (var first = StartHost())
        {
            using var stored = await first.PostJsonAsync(FeedbackPath, Feedback(card, [], "2025-06-15T11:55:00Z"));
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using (var second = StartHost())
        {
            using var again = await second.PostJsonAsync(FeedbackPath, Feedback(card, [], "2025-06-15T13:55:00+02:00"));
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            using var later = await second.PostJsonAsync(FeedbackPath, Feedback(card, [], "2025-06-15T11:56:00Z"));
            Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        }

        // The same instant is the same feedback; a different instant is a new outcome (the clinician acted again).
        Assert.Equal(2L, await CountAsync("SELECT COUNT(*) FROM feedback WHERE card_uuid = $card", card));
    }

    [Fact]
    public async Task Feedback_AfterRestart_ReadinessAndSaltSurvive()
    {
        string hashBefore;
        using (var first = StartHost())
        {
            hashBefore = await first.Services.GetRequiredService<IPatientIdHasher>().HashAsync("cart-patient-1", CancellationToken.None);
        }

        using var second = StartHost();
        using var ready = await second.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        // The patient hash salt is kept in the database: the audit of a patient links across restarts.
        Assert.Equal(hashBefore, await second.Services.GetRequiredService<IPatientIdHasher>().HashAsync("cart-patient-1", CancellationToken.None));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_database + suffix);
    }

    private ApiHost StartHost() => new(
        new Dictionary<string, string?> { ["CdsHooks:Storage:ConnectionString"] = $"Data Source={_database}" },
        realEvaluator: true,
        realStore: true);

    private static string Feedback(string cardUuid, string[] acceptedSuggestions, string outcomeTimestamp = "2025-06-15T11:55:00Z")
    {
        var item = new JsonObject
        {
            ["card"] = cardUuid,
            ["outcome"] = "accepted",
            ["outcomeTimestamp"] = outcomeTimestamp,
        };
        if (acceptedSuggestions.Length > 0)
            item["acceptedSuggestions"] = new JsonArray(acceptedSuggestions.Select(id => (JsonNode)new JsonObject { ["id"] = id }).ToArray());
        return new JsonObject { ["feedback"] = new JsonArray(item) }.ToJsonString();
    }

    private async Task<long> CountAsync(string sql, string cardUuid)
    {
        await using var connection = new SqliteConnection($"Data Source={_database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$card", cardUuid);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
