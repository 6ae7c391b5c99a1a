using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.EndToEnd;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Extensions.Logging.Abstractions;

using Npgsql;

namespace CrsCdsHooks.Api.Tests.Storage;

/// <summary>
/// The store contract on PostgreSQL, and what is PostgreSQL's own: instances migrating together, the whole app on
/// it. Each test gets a schema of its own in the <c>CRS_TEST_POSTGRES</c> database (dropped afterwards), named by
/// the store's <c>Search Path</c>.
/// </summary>
[NeedsPostgres]
public sealed class PostgresFeedbackStoreTests : FeedbackStoreContract, IAsyncLifetime
{
    private readonly string _schema = "crs_test_" + Guid.NewGuid().ToString("N")[..16];
    private string _server = "";

    private string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { SearchPath = _schema }.ConnectionString;

    public async Task InitializeAsync()
    {
        _server = PostgresTestServer.Require();
        await ExecuteOnServerAsync($"CREATE SCHEMA {_schema}");
    }

    public async Task DisposeAsync()
    {
        if (_server.Length > 0) await ExecuteOnServerAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
    }

    private protected override (int Version, int Migrations) Schema => (PostgresSchema.CurrentVersion, PostgresSchema.Migrations.Count);

    private protected override IDurableFeedbackStore Open(CdsStorageOptions? options = null) =>
        new PostgresFeedbackStore(ConnectionString, options ?? new CdsStorageOptions(), TimeProvider.System, NullLogger<PostgresFeedbackStore>.Instance);

    private protected override async Task<object?> QueryAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        object? value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_server + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task InstancesStartingTogether_MigrateOnce()
    {
        IDurableFeedbackStore[] stores = [.. Enumerable.Range(0, 4).Select(_ => Open())];
        try
        {
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync(CancellationToken.None))));

            Assert.Equal((long)PostgresSchema.Migrations.Count, Convert.ToInt64(await QueryAsync("SELECT COUNT(*) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture));
            var hashes = await Task.WhenAll(stores.Select(s => s.HashAsync("Patient/1", CancellationToken.None)));
            Assert.Single(hashes.Distinct());   // one salt, whoever stored it first
        }
        finally
        {
            foreach (var store in stores) store.Dispose();
        }
    }

    [StoreFact]
    public async Task TheApp_OnPostgres_IsReady_AuditsCards_CommitsFeedbackBeforeThe200_AndReportsIt()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Storage:Provider"] = "Postgres",
            ["CdsHooks:Storage:ConnectionString"] = ConnectionString,
        }, realEvaluator: true, realStore: true);
        var client = host.CreateClient();

        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var served = await host.CallAsync(SampleExpectations.Request("anaphylaxis-at-infusion.json"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var cards = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["cards"]!.AsArray();
        var anaphylaxisCard = cards[1]!["uuid"]!.GetValue<string>();

        using var feedback = await host.PostJsonAsync(ApiHost.ServicePath + "/feedback",
            $$"""{"feedback":[{"card":"{{anaphylaxisCard}}","outcome":"accepted","outcomeTimestamp":"2025-06-15T11:55:00Z"}]}""");
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        // Another connection sees it at once: it was committed before the answer.
        Assert.Equal(1L, await QueryAsync($"SELECT COUNT(*) FROM feedback WHERE card_uuid = '{anaphylaxisCard}'"));
        Assert.Equal("anaphylaxis", await QueryAsync($"SELECT card_kind FROM served_card WHERE card_uuid = '{anaphylaxisCard}'"));

        using var report = await client.GetAsync(new Uri("/reports/feedback", UriKind.Relative));
        var rows = JsonNode.Parse(await report.Content.ReadAsStringAsync())!["rows"]!.AsArray();
        Assert.Equal(["anaphylaxis", "crs"], rows.Select(r => r!["cardKind"]!.GetValue<string>()));
        Assert.Equal(1.0, rows[0]!["acceptanceRate"]!.GetValue<double>());
    }
}
