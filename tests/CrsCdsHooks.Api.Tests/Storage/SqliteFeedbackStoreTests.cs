using System.Globalization;
using System.Security.Cryptography;
using System.Text;

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

public sealed class SqliteFeedbackStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string DatabaseFile => _folder.File("nested/feedback.db");

    private SqliteFeedbackStore Open(CdsStorageOptions? options = null) => new(
        SqliteDatabasePath.Resolve("Data Source=" + DatabaseFile, _folder.Path),
        options ?? new CdsStorageOptions(),
        TimeProvider.System,
        NullLogger<SqliteFeedbackStore>.Instance);

    private static FeedbackItem Item(
        string card = "card-1",
        string outcome = "accepted",
        DateTimeOffset? at = null,
        IReadOnlyList<string>? suggestions = null,
        string? comment = null) =>
        new("crs-patient-view", card, outcome, at ?? T0, suggestions ?? [], outcome == "overridden" ? "not-crs" : null,
            outcome == "overridden" ? "https://crscdshooks.example.org/override-reasons" : null, comment, T0.AddMinutes(1));

    private static async Task<long> ScalarAsync(SqliteFeedbackStore store, string sql)
    {
        await using SqliteConnection connection = await store.OpenAsync(CancellationToken.None);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static async Task<string?> TextAsync(SqliteFeedbackStore store, string sql)
    {
        await using SqliteConnection connection = await store.OpenAsync(CancellationToken.None);
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        object? value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : (string?)value;
    }

    [Fact]
    public async Task FirstRun_CreatesFolderAndDatabase_AtCurrentSchemaVersion()
    {
        Assert.False(File.Exists(DatabaseFile));
        using SqliteFeedbackStore store = Open();
        await store.InitializeAsync(CancellationToken.None);

        Assert.True(File.Exists(DatabaseFile));
        Assert.Equal(SqliteSchema.CurrentVersion, await ScalarAsync(store, "SELECT MAX(version) FROM schema_version"));
        Assert.True(await store.IsReachableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Connections_UseWal_AndSynchronousFull()
    {
        using SqliteFeedbackStore store = Open();
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal("wal", await TextAsync(store, "PRAGMA journal_mode"));
        Assert.Equal(2, await ScalarAsync(store, "PRAGMA synchronous")); // 2 = FULL

        // WAL is a property of the file: a plain connection sees it too.
        await using var plain = new SqliteConnection("Data Source=" + DatabaseFile);
        await plain.OpenAsync();
        using SqliteCommand command = plain.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task SameFeedbackTwice_OneRow()
    {
        using SqliteFeedbackStore store = Open();

        Assert.Equal([FeedbackWriteResult.Stored], await store.StoreFeedbackAsync([Item()], CancellationToken.None));
        Assert.Equal([FeedbackWriteResult.AlreadyStored], await store.StoreFeedbackAsync([Item()], CancellationToken.None));
        Assert.Equal(
            [FeedbackWriteResult.Stored, FeedbackWriteResult.AlreadyStored],
            await store.StoreFeedbackAsync([Item(card: "card-2"), Item(card: "card-2")], CancellationToken.None));

        Assert.Equal(2, await ScalarAsync(store, "SELECT COUNT(*) FROM feedback"));
    }

    [Fact]
    public async Task SameInstantWithAnotherOffset_IsTheSameFeedback()
    {
        using SqliteFeedbackStore store = Open();
        await store.StoreFeedbackAsync([Item(at: T0)], CancellationToken.None);

        IReadOnlyList<FeedbackWriteResult> again = await store.StoreFeedbackAsync(
            [Item(at: T0.ToOffset(TimeSpan.FromHours(2)))], CancellationToken.None);
        Assert.Equal([FeedbackWriteResult.AlreadyStored], again);
    }

    [Fact]
    public async Task OtherOutcomeOrOtherTimestamp_IsNewFeedback()
    {
        using SqliteFeedbackStore store = Open();
        IReadOnlyList<FeedbackWriteResult> results = await store.StoreFeedbackAsync(
            [Item(), Item(outcome: "overridden"), Item(at: T0.AddTicks(1))], CancellationToken.None);

        Assert.All(results, r => Assert.Equal(FeedbackWriteResult.Stored, r));
        Assert.Equal(3, await ScalarAsync(store, "SELECT COUNT(*) FROM feedback"));
    }

    [Fact]
    public async Task AcceptedSuggestionsAndOverrideReason_Stored()
    {
        using SqliteFeedbackStore store = Open();
        await store.StoreFeedbackAsync(
            [Item(suggestions: ["s-1", "s-2", "s-2"]), Item(card: "card-9", outcome: "overridden")], CancellationToken.None);

        Assert.Equal(2, await ScalarAsync(store, "SELECT COUNT(*) FROM feedback_accepted_suggestion"));
        Assert.Equal("not-crs", await TextAsync(store, "SELECT override_reason_code FROM feedback WHERE card_uuid = 'card-9'"));
    }

    [Fact]
    public async Task OverrideComment_NotKeptByDefault_KeptWhenConfigured()
    {
        using (SqliteFeedbackStore store = Open())
        {
            await store.StoreFeedbackAsync([Item(outcome: "overridden", comment: "free text")], CancellationToken.None);
            Assert.Null(await TextAsync(store, "SELECT override_comment FROM feedback"));
        }

        using SqliteFeedbackStore keeping = Open(new CdsStorageOptions { KeepOverrideComments = true });
        await keeping.StoreFeedbackAsync([Item(card: "card-3", outcome: "overridden", comment: "free text")], CancellationToken.None);
        Assert.Equal("free text", await TextAsync(keeping, "SELECT override_comment FROM feedback WHERE card_uuid = 'card-3'"));
    }

    [Fact]
    public async Task Feedback_SurvivesClosingAndReopening()
    {
        using (SqliteFeedbackStore first = Open())
        {
            await first.RecordCardsAsync([new CardAuditRecord("card-1", "crs-patient-view", "hook-1", T0, "crs astct2019 2", "hash")], CancellationToken.None);
            await first.StoreFeedbackAsync([Item()], CancellationToken.None);
        }

        using SqliteFeedbackStore reopened = Open();
        Assert.Equal([FeedbackWriteResult.AlreadyStored], await reopened.StoreFeedbackAsync([Item()], CancellationToken.None));
        FeedbackReportRow row = Assert.Single(await reopened.GetFeedbackReportAsync(CancellationToken.None));
        Assert.Equal(new FeedbackReportRow("crs-patient-view", "crs astct2019 2", 1, 1, 0), row);
    }

    [Fact]
    public async Task ConcurrentWrites_AllStored_DuplicatesOnce()
    {
        using SqliteFeedbackStore store = Open();
        IEnumerable<Task<IReadOnlyList<FeedbackWriteResult>>> distinct = Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => store.StoreFeedbackAsync([Item(card: "card-" + i)], CancellationToken.None)));
        IEnumerable<Task<IReadOnlyList<FeedbackWriteResult>>> duplicates = Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => store.StoreFeedbackAsync([Item(card: "dup")], CancellationToken.None)));
        Task cards = Task.Run(() => store.RecordCardsAsync(
            [.. Enumerable.Range(0, 20).Select(i => new CardAuditRecord("audit-" + i, "crs-patient-view", "h", T0, "s", "p"))],
            CancellationToken.None));

        IReadOnlyList<FeedbackWriteResult>[] results = await Task.WhenAll(distinct.Concat(duplicates));
        await cards;

        Assert.Equal(41, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.Stored));
        Assert.Equal(9, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.AlreadyStored));
        Assert.Equal(41, await ScalarAsync(store, "SELECT COUNT(*) FROM feedback"));
        Assert.Equal(20, await ScalarAsync(store, "SELECT COUNT(*) FROM served_card"));
    }

    [Fact]
    public async Task TwoStoresOnOneFile_ConcurrentWrites_NoLossNoDuplicate()
    {
        // Two instances (as two processes would) share the file: BEGIN IMMEDIATE and the busy timeout serialise them.
        using SqliteFeedbackStore a = Open();
        using SqliteFeedbackStore b = Open();
        Task<IReadOnlyList<FeedbackWriteResult>>[] writes = Enumerable.Range(0, 30)
            .Select(i => Task.Run(() => (i % 2 == 0 ? a : b).StoreFeedbackAsync([Item(card: "card-" + (i / 2))], CancellationToken.None)))
            .ToArray();
        IReadOnlyList<FeedbackWriteResult>[] results = await Task.WhenAll(writes);

        Assert.Equal(15, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.Stored));
        Assert.Equal(15, await ScalarAsync(a, "SELECT COUNT(*) FROM feedback"));
    }

    [Fact]
    public async Task Migration_RunTwice_ChangesNothing()
    {
        using SqliteFeedbackStore store = Open();
        await store.InitializeAsync(CancellationToken.None);
        await using SqliteConnection connection = await store.OpenAsync(CancellationToken.None);

        Assert.Equal(0, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
        Assert.Equal(0, await SqliteSchema.MigrateAsync(connection, T0, CancellationToken.None));
        Assert.Equal(SqliteSchema.Migrations.Count, await ScalarAsync(store, "SELECT COUNT(*) FROM schema_version"));

        using SqliteFeedbackStore second = Open();
        await second.InitializeAsync(CancellationToken.None);
        Assert.Equal(SqliteSchema.Migrations.Count, await ScalarAsync(second, "SELECT COUNT(*) FROM schema_version"));
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
    public async Task DatabaseFromANewerVersion_RefusedClearly_AndNotReady()
    {
        using (SqliteFeedbackStore store = Open())
        {
            await store.InitializeAsync(CancellationToken.None);
            await using SqliteConnection connection = await store.OpenAsync(CancellationToken.None);
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "INSERT INTO schema_version VALUES (999, 'future', '2030-01-01T00:00:00.0000000Z')";
            await command.ExecuteNonQueryAsync();
        }

        using SqliteFeedbackStore newer = Open();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(CancellationToken.None));
        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.False(await newer.IsReachableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Unwritable_Location_NotReachable()
    {
        Directory.CreateDirectory(_folder.Path);
        await File.WriteAllTextAsync(_folder.File("nested"), "a file where the folder should be");
        using SqliteFeedbackStore store = Open();

        Assert.False(await store.IsReachableAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Report_CountsPerServiceAndSummary_IncludingFeedbackForUnknownCards()
    {
        using SqliteFeedbackStore store = Open();
        await store.RecordCardsAsync(
        [
            new CardAuditRecord("c1", "crs-patient-view", "h1", T0, "crs grade 2", "p1"),
            new CardAuditRecord("c2", "crs-patient-view", "h2", T0, "crs grade 2", "p2"),
            new CardAuditRecord("c3", "crs-patient-view", "h3", T0, "infection possible", "p1"),
            new CardAuditRecord("c3", "crs-patient-view", "h3", T0, "infection possible", "p1"),
        ], CancellationToken.None);
        await store.StoreFeedbackAsync(
        [
            Item(card: "c1"),
            Item(card: "c2", outcome: "overridden"),
            Item(card: "c2", outcome: "accepted", at: T0.AddMinutes(5)),
            Item(card: "unknown"),
        ], CancellationToken.None);

        IReadOnlyList<FeedbackReportRow> report = await store.GetFeedbackReportAsync(CancellationToken.None);

        Assert.Equal(
        [
            new FeedbackReportRow("crs-patient-view", null, 0, 1, 0),
            new FeedbackReportRow("crs-patient-view", "crs grade 2", 2, 2, 1),
            new FeedbackReportRow("crs-patient-view", "infection possible", 1, 0, 0),
        ], report);
    }

    [Fact]
    public async Task PatientHash_Salted_StableAcrossReopening_NeverTheId()
    {
        string first;
        using (SqliteFeedbackStore store = Open())
        {
            // An id that is not hex: with a random salt a 64-digit hash contains "123" about once in 70 runs.
            first = await store.HashAsync("Patient/mrn-4711", CancellationToken.None);
            Assert.NotEqual(first, await store.HashAsync("Patient/mrn-4712", CancellationToken.None));
            Assert.DoesNotContain("mrn-4711", first, StringComparison.Ordinal);
            Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Patient/mrn-4711"))), first);
        }

        using SqliteFeedbackStore reopened = Open();
        Assert.Equal(first, await reopened.HashAsync("Patient/mrn-4711", CancellationToken.None));
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public async Task PatientHash_ConfiguredSalt_Used()
    {
        byte[] salt = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using SqliteFeedbackStore store = Open(new CdsStorageOptions { PatientHashSalt = Convert.ToBase64String(salt) });

        Assert.Equal(
            Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes("Patient/123"))),
            await store.HashAsync("Patient/123", CancellationToken.None));
    }
}
