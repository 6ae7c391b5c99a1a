using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.EndToEnd;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>
/// <c>GET /reports/feedback</c>: through the real app, core and SQLite store — cards served, feedback on them, and
/// the report per service × card kind × grade summary, with no patient data; off unless enabled; behind the CDS
/// client JWT when one is required.
/// </summary>
public sealed class ReportTests
{
    private const string ReportPath = "/reports/feedback";
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    [Fact]
    public async Task Development_ReportsEachCardKind_AcceptedOverriddenAndWhy_WithoutPatientData()
    {
        using var host = new ApiHost(null, realEvaluator: true, realStore: true);
        using var served = await host.CallAsync(SampleExpectations.Request("sepsis-mimic-positive-blood-culture.json"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var cards = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["cards"]!.AsArray();
        Assert.Equal(2, cards.Count);
        var (crs, infection) = (cards[0]!, cards[1]!);
        var reason = infection["overrideReasons"]![0]!;
        using var feedback = await host.PostJsonAsync(FeedbackPath, new JsonObject
        {
            ["feedback"] = new JsonArray(
                new JsonObject { ["card"] = crs["uuid"]!.GetValue<string>(), ["outcome"] = "accepted", ["outcomeTimestamp"] = "2025-06-15T11:55:00Z" },
                new JsonObject
                {
                    ["card"] = infection["uuid"]!.GetValue<string>(),
                    ["outcome"] = "overridden",
                    ["outcomeTimestamp"] = "2025-06-15T11:56:00Z",
                    ["overrideReason"] = new JsonObject { ["reason"] = new JsonObject { ["code"] = reason["code"]!.GetValue<string>() }, ["userComment"] = "seen by ID team" },
                }),
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonNode.Parse(body)!["rows"]!.AsArray();
        Assert.Equal(["crs", "infection"], rows.Select(r => r!["cardKind"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal("crs-patient-view", r!["serviceId"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.StartsWith("crs astct2019 ", r!["gradeSummary"]!.GetValue<string>(), StringComparison.Ordinal));
        var crsRow = rows[0]!;
        Assert.Equal((1, 1, 1, 0, 1.0, 0.0), (Long(crsRow, "cardsServed"), Long(crsRow, "feedbackCount"), Long(crsRow, "accepted"), Long(crsRow, "overridden"),
            crsRow["acceptanceRate"]!.GetValue<double>(), crsRow["overrideRate"]!.GetValue<double>()));
        Assert.Empty(crsRow["topOverrideReasons"]!.AsArray());
        var infectionRow = rows[1]!;
        Assert.Equal((1, 0, 1, 1.0), (Long(infectionRow, "cardsServed"), Long(infectionRow, "accepted"), Long(infectionRow, "overridden"), infectionRow["overrideRate"]!.GetValue<double>()));
        var top = Assert.Single(infectionRow["topOverrideReasons"]!.AsArray())!;
        Assert.Equal((reason["code"]!.GetValue<string>(), reason["display"]!.GetValue<string>(), 1L),
            (top["code"]!.GetValue<string>(), top["display"]!.GetValue<string>(), top["count"]!.GetValue<long>()));

        var patientHash = await host.Services.GetRequiredService<IPatientIdHasher>().HashAsync(
            SampleExpectations.Request("sepsis-mimic-positive-blood-culture.json")["context"]!["patientId"]!.GetValue<string>(), CancellationToken.None);
        Assert.DoesNotContain(patientHash, body, StringComparison.Ordinal);
        Assert.DoesNotContain(crs["uuid"]!.GetValue<string>(), body, StringComparison.Ordinal);
        Assert.DoesNotContain("ID team", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hookInstance", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Window_CardsServedInIt_EchoedAsApplied_OmittedWhenNotAsked()
    {
        using var host = new ApiHost(null, realEvaluator: true, realStore: true);
        using var served = await host.CallAsync(SampleExpectations.Request("sepsis-mimic-positive-blood-culture.json"));
        var card = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["cards"]![0]!["uuid"]!.GetValue<string>();
        using var feedback = await host.PostJsonAsync(FeedbackPath, $$"""
            {"feedback":[
              {"card":"{{card}}","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:58:00Z"},
              {"card":"5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a10","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:00:00Z"},
              {"card":"5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a11","outcome":"accepted","outcomeTimestamp":"2025-06-14T11:00:00Z"}]}
            """);
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        var client = host.CreateClient();

        // The cards were served at the host's now (2025-06-15T12:00Z): in [06-15T00:00+02:00, 06-16), not in [12:00:00.000001, ∞).
        var inside = await GetJsonAsync(client, ReportPath + "?since=2025-06-15T00:00:00%2B02:00&until=2025-06-16T00:00:00Z");
        var after = await GetJsonAsync(client, ReportPath + "?since=2025-06-15T12:00:00.000001Z");
        var all = await GetJsonAsync(client, ReportPath);

        Assert.Equal((new DateTimeOffset(2025, 6, 14, 22, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 6, 16, 0, 0, 0, TimeSpan.Zero)),
            (inside["since"]!.GetValue<DateTimeOffset>(), inside["until"]!.GetValue<DateTimeOffset>()));
        Assert.Equal(TimeSpan.Zero, inside["since"]!.GetValue<DateTimeOffset>().Offset);
        Assert.Equal([("crs", 1L, 1L), ("infection", 1L, 0L), (null, 0L, 1L)], Rows(inside));
        Assert.Empty(Rows(after));
        Assert.Equal(new DateTimeOffset(2025, 6, 15, 12, 0, 0, TimeSpan.Zero).AddMicroseconds(1), after["since"]!.GetValue<DateTimeOffset>());
        Assert.False(after.AsObject().ContainsKey("until"));
        Assert.Equal([("crs", 1L, 1L), ("infection", 1L, 0L), (null, 0L, 2L)], Rows(all));
        Assert.False(all.AsObject().ContainsKey("since"));
        Assert.False(all.AsObject().ContainsKey("until"));

        static List<(string?, long, long)> Rows(JsonNode report) => [.. report["rows"]!.AsArray()
            .Select(r => (r!["cardKind"]?.GetValue<string>(), Long(r, "cardsServed"), Long(r, "feedbackCount")))];
    }

    [Theory]
    [InlineData("since=last-month", "since is not an ISO 8601 instant")]
    [InlineData("until=2026-13-01T00:00:00Z", "until is not an ISO 8601 instant")]
    [InlineData("since=", "since is not an ISO 8601 instant")]
    [InlineData("since=2026-11-01T00:00:00+01:00", "since is not an ISO 8601 instant")]   // an unencoded + arrives as a space
    [InlineData("since=2026-11-01T00:00:00", "since has no time-zone offset")]
    [InlineData("until=2026-11-01", "until has no time-zone offset")]
    [InlineData("since=2026-12-01T00:00:00Z&until=2026-11-01T00:00:00Z", "since must be before until")]
    [InlineData("since=2026-11-01T01:00:00%2B01:00&until=2026-11-01T00:00:00Z", "since must be before until")]
    public async Task Window_BadValue_Is400OperationOutcomeNamingTheParameter(string query, string expected)
    {
        using var host = new ApiHost(null, realStore: true);

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath + "?" + query, UriKind.Relative));

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, expected);
        Assert.DoesNotContain("last-month", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotEnabled_Is404OperationOutcomeNamingTheKey()
    {
        using var host = new ApiHost(null, environment: "Production");

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.NotFound, "CdsHooks:Reports:Enabled");
    }

    [Fact]
    public async Task Development_DisabledExplicitly_Is404()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Reports:Enabled"] = "false" });

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task JwtRequired_ReportNeedsAValidCdsClientTokenForItsOwnUrl()
    {
        const string issuer = "https://ehr-report.example.org";
        var key = TestKey.EcP384("report-ec-1");
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = issuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(key),
            ["CdsHooks:Reports:Enabled"] = "true",
        }, environment: "Production", realStore: true);
        var client = host.CreateClient();

        using var anonymous = await client.GetAsync(new Uri(ReportPath, UriKind.Relative));
        await CdsClientTrustTests.AssertUnauthorizedAsync(anonymous);

        using var wrongAudience = await GetAsync(client, Token(key, issuer, ApiHost.ServicePath));
        await CdsClientTrustTests.AssertUnauthorizedAsync(wrongAudience, CrsCdsHooks.Api.Auth.CdsTokenFailure.AudienceMismatch);

        using var authorised = await GetAsync(client, Token(key, issuer, ReportPath));
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
        Assert.Empty(JsonNode.Parse(await authorised.Content.ReadAsStringAsync())!["rows"]!.AsArray());
    }

    private static long Long(JsonNode row, string name) => row[name]!.GetValue<long>();

    private static async Task<JsonNode> GetJsonAsync(HttpClient client, string pathAndQuery)
    {
        using var response = await client.GetAsync(new Uri(pathAndQuery, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!;
    }

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ReportPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static string Token(TestKey key, string issuer, string path) => TokenMint.Sign(
        TrustTestHost.Header(key, "ES384"),
        new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["aud"] = "https://cds.example.org" + path,
            ["iat"] = ApiHost.AsOf.AddSeconds(-10).ToUnixTimeSeconds(),
            ["exp"] = ApiHost.AsOf.AddSeconds(290).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        },
        key.PrivateKey);
}
