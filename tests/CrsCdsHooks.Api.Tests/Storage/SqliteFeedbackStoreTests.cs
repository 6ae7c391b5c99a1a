using System.Globalization;

using CrsCdsHooks.Api.Storage;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrsCdsHooks.Api.Tests.Storage;

/// <summary>A scratch folder for one test's database files, removed afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crscdshooks-tests", System.IO.Path.GetRandomFileName());
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}

/// <summary>The store contract on SQLite, and what is SQLite's own: WAL, synchronous=FULL, migrations of a file, the file's location.</summary>
public sealed class SqliteFeedbackStoreTests : FeedbackStoreContract, IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string DatabaseFile => _folder.File("nested/feedback.db");

    private protected override (int Version, int Migrations) Schema => (SqliteSchema.CurrentVersion, SqliteSchema.Migrations.Count);

    private protected override IDurableFeedbackStore Open(CdsStorageOptions? options = null) => OpenSqlite(options);

    private SqliteFeedbackStore OpenSqlite(CdsStorageOptions? options = null) => new(
        SqliteDatabasePath.Resolve("Data Source=" + DatabaseFile, _folder.Path),
        options ?? new CdsStorageOptions(),
        TimeProvider.System,
        NullLogger<SqliteFeedbackStore>.Instance);

    private protected override async Task<object?> QueryAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabaseFile};Pooling=False");
        await connection.OpenAsync();
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await QueryAsync(sql), CultureInfo.InvariantCulture);

    [Fact]
    public async Task FirstRun_CreatesFolderAndFile()
    {
        Assert.False(File.Exists(DatabaseFile));
        using SqliteFeedbackStore store = OpenSqlite();
        await store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(DatabaseFile));
    }

    [Fact]
    public async Task Connections_UseWal_AndSynchronousFull()
    {
        using SqliteFeedbackStore store = OpenSqlite();
        await store.InitializeAsync(CancellationToken.None);

        await using (SqliteConnection connection = await store.OpenAsync(CancellationToken.None))
        {
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            Assert.Equal(2L, await command.ExecuteScalarAsync()); // 2 = FULL
        }

        // WAL is a property of the file: a plain connection sees it too.
        Assert.Equal("wal", await QueryAsync("PRAGMA journal_mode"));
    }

    [Fact]
    public async Task Migration_RunTwice_ChangesNothing()
    {
        using SqliteFeedbackStore store = OpenSqlite();
        await store.InitializeAsync(CancellationToken.None);
        await using SqliteConnection connection = await store.OpenAsync(CancellationToken.None);

        Assert.Equal(0, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
        Assert.Equal(0, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
        Assert.Equal(SqliteSchema.Migrations.Count, await CountAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [Fact]
    public async Task Migration_OnAnEmptyFile_AppliesEveryStepOnce()
    {
        Directory.CreateDirectory(_folder.Path);
        await using var connection = new SqliteConnection("Data Source=" + _folder.File("empty.db"));
        await connection.OpenAsync();

        Assert.Equal(SqliteSchema.Migrations.Count, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
        Assert.Equal(0, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
    }

    [Fact]
    public async Task Version1Database_MigratesOnOpen_KeepsEveryRow_AndNamesTheKindsItsOrderTells()
    {
        // A database as version 1 of the service left it: v1's schema (its migration is never edited), its cards
        // written per response in the core's order with one summary for all of them, feedback on some.
        Directory.CreateDirectory(Path.GetDirectoryName(DatabaseFile)!);
        await using (var v1 = new SqliteConnection("Data Source=" + DatabaseFile + ";Pooling=False"))
        {
            await v1.OpenAsync();
            Assert.Equal(1, await SqliteSchema.MigrateAsync(v1, T0, CancellationToken.None, upTo: 1));
            using SqliteCommand insert = v1.CreateCommand();
            insert.CommandText = """
                INSERT INTO served_card (card_uuid, service_id, hook_instance, served_at, summary, patient_hash) VALUES
                  ('h1-crs', 'crs-patient-view', 'h1', '2025-03-01T12:00:00.0000000Z', 'crs astct2019 2/3; infection possible; anaphylaxis likely', 'p1'),
                  ('h1-inf', 'crs-patient-view', 'h1', '2025-03-01T12:00:00.0000000Z', 'crs astct2019 2/3; infection possible; anaphylaxis likely', 'p1'),
                  ('h1-ana', 'crs-patient-view', 'h1', '2025-03-01T12:00:00.0000000Z', 'crs astct2019 2/3; infection possible; anaphylaxis likely', 'p1'),
                  ('h2-crs', 'crs-patient-view', 'h2', '2025-03-01T13:00:00.0000000Z', 'crs lee2014 1/1; infection none-found; anaphylaxis possible', 'p2'),
                  ('h2-ana', 'crs-patient-view', 'h2', '2025-03-01T13:00:00.0000000Z', 'crs lee2014 1/1; infection none-found; anaphylaxis possible', 'p2'),
                  ('h3-crs', 'crs-patient-view', 'h3', '2025-03-01T14:00:00.0000000Z', 'crs astct2019 0/0; infection none-found; anaphylaxis none-found', 'p3'),
                  ('h4-one', 'crs-patient-view', 'h4', '2025-03-01T15:00:00.0000000Z', 'crs astct2019 1/2; infection possible; anaphylaxis none-found', 'p4');
                INSERT INTO feedback (service_id, card_uuid, outcome, outcome_timestamp, override_reason_code, received_at) VALUES
                  ('crs-patient-view', 'h1-inf', 'overridden', '2025-03-01T12:05:00.0000000Z', 'not-infection-clinically', '2025-03-01T12:05:01.0000000Z'),
                  ('crs-patient-view', 'h1-crs', 'accepted', '2025-03-01T12:06:00.0000000Z', NULL, '2025-03-01T12:06:01.0000000Z');
                INSERT INTO feedback_accepted_suggestion (feedback_id, suggestion_uuid) SELECT id, 's-1' FROM feedback WHERE card_uuid = 'h1-crs';
                INSERT INTO store_setting (name, value) VALUES ('patient_hash_salt', 'AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=');
                """;
            await insert.ExecuteNonQueryAsync();
        }

        using SqliteFeedbackStore store = OpenSqlite();
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(SqliteSchema.CurrentVersion, await CountAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(7, await CountAsync("SELECT COUNT(*) FROM served_card"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM feedback"));
        Assert.Equal(1, await CountAsync("SELECT COUNT(*) FROM feedback_accepted_suggestion"));
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var card in new[] { "h1-crs", "h1-inf", "h1-ana", "h2-crs", "h2-ana", "h3-crs", "h4-one" })
            kinds[card] = (string)(await QueryAsync($"SELECT card_kind FROM served_card WHERE card_uuid = '{card}'"))!;
        Assert.Equal(new Dictionary<string, string>
        {
            ["h1-crs"] = "crs",
            ["h1-inf"] = "infection",
            ["h1-ana"] = "anaphylaxis",
            ["h2-crs"] = "crs",
            ["h2-ana"] = "anaphylaxis",
            ["h3-crs"] = "crs",
            // The summary promises a CRS and an infection card, but one row is there: not guessed.
            ["h4-one"] = "unknown",
        }, kinds);

        // The salt survived: the audit of a patient still links across the upgrade.
        Assert.Equal(
            Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
                Convert.FromBase64String("AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="), System.Text.Encoding.UTF8.GetBytes("p"))),
            await store.HashAsync("p", CancellationToken.None));
        // The old feedback is reported under the kinds the migration named, and a new write works.
        IReadOnlyList<FeedbackReportRow> report = await store.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None);
        FeedbackReportRow infection = Assert.Single(report, r => r.CardKind == "infection");
        Assert.Equal((1L, 1L, 1L), (infection.CardsServed, infection.Overridden, Assert.Single(infection.TopOverrideReasons).Count));
        Assert.Equal(1L, Assert.Single(report, r => r.CardKind == "crs" && r.GradeSummary!.StartsWith("crs astct2019 2/3", StringComparison.Ordinal)).Accepted);
        await store.RecordCardsAsync([new CardAuditRecord("new", "crs-patient-view", "h9", T0, "crs", "crs astct2019 1/1; infection none-found; anaphylaxis none-found", "p9")], CancellationToken.None);
        Assert.Equal(8, await CountAsync("SELECT COUNT(*) FROM served_card"));
    }

    [Fact]
    public async Task Unwritable_Location_NotReachable()
    {
        Directory.CreateDirectory(_folder.Path);
        await File.WriteAllTextAsync(_folder.File("nested"), "a file where the folder should be");
        using SqliteFeedbackStore store = OpenSqlite();

        Assert.False(await store.IsReachableAsync(CancellationToken.None));
    }
}
