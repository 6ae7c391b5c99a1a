using System.Security.Cryptography;
using System.Text;

using CrsCdsHooks.Api.Storage;

namespace CrsCdsHooks.Api.Tests.Storage;

/// <summary>
/// What every durable store promises (IFeedbackStore, the served-card audit, the report, the patient hash, schema
/// versions), run once per provider by a derived class: <see cref="SqliteFeedbackStoreTests"/> and
/// <see cref="PostgresFeedbackStoreTests"/>. Each test has a database of its own; <see cref="Open"/> opens a store on
/// it, again and again (as a restart, or a second instance, would).
/// </summary>
public abstract class FeedbackStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new store on this test's database.</summary>
    private protected abstract IDurableFeedbackStore Open(CdsStorageOptions? options = null);

    /// <summary>The schema version the provider's code expects, and how many migrations lead there.</summary>
    private protected abstract (int Version, int Migrations) Schema { get; }

    /// <summary>Runs SQL on this test's database outside the store and returns the first column of the first row.</summary>
    private protected abstract Task<object?> QueryAsync(string sql);

    private async Task<long> CountAsync(string sql) => Convert.ToInt64(await QueryAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    private async Task<string?> TextAsync(string sql) => await QueryAsync(sql) is string text ? text : null;

    private static FeedbackItem Item(
        string card = "card-1",
        string outcome = "accepted",
        DateTimeOffset? at = null,
        IReadOnlyList<string>? suggestions = null,
        string? comment = null,
        string? reason = "not-crs",
        string service = "crs-patient-view") =>
        new(service, card, outcome, at ?? T0, suggestions ?? [], outcome == "overridden" ? reason : null,
            outcome == "overridden" && reason is not null ? "https://crscdshooks.example.org/override-reasons" : null, comment, T0.AddMinutes(1));

    private static CardAuditRecord Served(
        string card, string kind = "crs", string summary = "crs astct2019 2/3", string hook = "h1", string patient = "p1", DateTimeOffset? at = null,
        params (string Code, string Display)[] reasons) =>
        new(card, "crs-patient-view", hook, at ?? T0, kind, summary, patient)
        {
            OfferedReasons = [.. reasons.Select(r => new OfferedOverrideReason(r.Code, r.Display))],
        };

    [StoreFact]
    public async Task FirstRun_CreatesTheSchema_AtTheCurrentVersion()
    {
        using IDurableFeedbackStore store = Open();
        await store.InitializeAsync(CancellationToken.None);

        Assert.Equal(Schema.Version, await CountAsync("SELECT MAX(version) FROM schema_version"));
        Assert.True(await store.IsReachableAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task InitializedAgain_OrByASecondStore_ChangesNothing()
    {
        using IDurableFeedbackStore store = Open();
        await store.InitializeAsync(CancellationToken.None);
        await store.InitializeAsync(CancellationToken.None);
        using IDurableFeedbackStore second = Open();
        await second.InitializeAsync(CancellationToken.None);

        Assert.Equal(Schema.Migrations, await CountAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [StoreFact]
    public async Task SameFeedbackTwice_OneRow()
    {
        using IDurableFeedbackStore store = Open();

        Assert.Equal([FeedbackWriteResult.Stored], await store.StoreFeedbackAsync([Item()], CancellationToken.None));
        Assert.Equal([FeedbackWriteResult.AlreadyStored], await store.StoreFeedbackAsync([Item()], CancellationToken.None));
        Assert.Equal(
            [FeedbackWriteResult.Stored, FeedbackWriteResult.AlreadyStored],
            await store.StoreFeedbackAsync([Item(card: "card-2"), Item(card: "card-2")], CancellationToken.None));

        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM feedback"));
    }

    [StoreFact]
    public async Task SameInstantWithAnotherOffset_IsTheSameFeedback()
    {
        using IDurableFeedbackStore store = Open();
        await store.StoreFeedbackAsync([Item(at: T0)], CancellationToken.None);

        IReadOnlyList<FeedbackWriteResult> again = await store.StoreFeedbackAsync(
            [Item(at: T0.ToOffset(TimeSpan.FromHours(2)))], CancellationToken.None);
        Assert.Equal([FeedbackWriteResult.AlreadyStored], again);
    }

    [StoreFact]
    public async Task SameInstantToTheMicrosecond_IsTheSameFeedback()
    {
        // PostgreSQL keeps microseconds; SQLite is held to the same key so that both stores agree.
        using IDurableFeedbackStore store = Open();
        await store.StoreFeedbackAsync([Item(at: T0.AddTicks(3))], CancellationToken.None);

        Assert.Equal([FeedbackWriteResult.AlreadyStored], await store.StoreFeedbackAsync([Item(at: T0.AddTicks(7))], CancellationToken.None));
    }

    [StoreFact]
    public async Task OtherOutcomeOrOtherTimestamp_IsNewFeedback()
    {
        using IDurableFeedbackStore store = Open();
        IReadOnlyList<FeedbackWriteResult> results = await store.StoreFeedbackAsync(
            [Item(), Item(outcome: "overridden"), Item(at: T0.AddMicroseconds(1))], CancellationToken.None);

        Assert.All(results, r => Assert.Equal(FeedbackWriteResult.Stored, r));
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM feedback"));
    }

    [StoreFact]
    public async Task AcceptedSuggestionsAndOverrideReason_Stored()
    {
        using IDurableFeedbackStore store = Open();
        await store.StoreFeedbackAsync(
            [Item(suggestions: ["s-1", "s-2", "s-2"]), Item(card: "card-9", outcome: "overridden")], CancellationToken.None);

        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM feedback_accepted_suggestion"));
        Assert.Equal("not-crs", await TextAsync("SELECT override_reason_code FROM feedback WHERE card_uuid = 'card-9'"));
    }

    [StoreFact]
    public async Task OverrideComment_NotKeptByDefault_KeptWhenConfigured()
    {
        using (IDurableFeedbackStore store = Open())
        {
            await store.StoreFeedbackAsync([Item(outcome: "overridden", comment: "free text")], CancellationToken.None);
            Assert.Null(await TextAsync("SELECT override_comment FROM feedback"));
        }

        using IDurableFeedbackStore keeping = Open(new CdsStorageOptions { KeepOverrideComments = true });
        await keeping.StoreFeedbackAsync([Item(card: "card-3", outcome: "overridden", comment: "free text")], CancellationToken.None);
        Assert.Equal("free text", await TextAsync("SELECT override_comment FROM feedback WHERE card_uuid = 'card-3'"));
    }

    [StoreFact]
    public async Task Feedback_SurvivesClosingAndReopening()
    {
        using (IDurableFeedbackStore first = Open())
        {
            await first.RecordCardsAsync([Served("card-1")], CancellationToken.None);
            await first.StoreFeedbackAsync([Item()], CancellationToken.None);
        }

        using IDurableFeedbackStore reopened = Open();
        Assert.Equal([FeedbackWriteResult.AlreadyStored], await reopened.StoreFeedbackAsync([Item()], CancellationToken.None));
        FeedbackReportRow row = Assert.Single(await reopened.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None));
        Assert.Equal(("crs", "crs astct2019 2/3", 1L, 1L, 1L, 0L), (row.CardKind, row.GradeSummary, row.CardsServed, row.FeedbackCount, row.Accepted, row.Overridden));
    }

    [StoreFact]
    public async Task ServedCards_KeepTheirKind_OnceEach()
    {
        using IDurableFeedbackStore store = Open();
        await store.RecordCardsAsync([Served("c1", "crs"), Served("c2", "infection"), Served("c3", "anaphylaxis")], CancellationToken.None);
        await store.RecordCardsAsync([Served("c2", "infection")], CancellationToken.None);

        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM served_card"));
        Assert.Equal("infection", await TextAsync("SELECT card_kind FROM served_card WHERE card_uuid = 'c2'"));
        Assert.Equal("anaphylaxis", await TextAsync("SELECT card_kind FROM served_card WHERE card_uuid = 'c3'"));
    }

    [StoreFact]
    public async Task ConcurrentWrites_AllStored_DuplicatesOnce()
    {
        using IDurableFeedbackStore store = Open();
        IEnumerable<Task<IReadOnlyList<FeedbackWriteResult>>> distinct = Enumerable.Range(0, 40)
            .Select(i => Task.Run(() => store.StoreFeedbackAsync([Item(card: "card-" + i)], CancellationToken.None)));
        IEnumerable<Task<IReadOnlyList<FeedbackWriteResult>>> duplicates = Enumerable.Range(0, 10)
            .Select(_ => Task.Run(() => store.StoreFeedbackAsync([Item(card: "dup")], CancellationToken.None)));
        Task cards = Task.Run(() => store.RecordCardsAsync(
            [.. Enumerable.Range(0, 20).Select(i => Served("audit-" + i, reasons: ("r", "R")))], CancellationToken.None));

        IReadOnlyList<FeedbackWriteResult>[] results = await Task.WhenAll(distinct.Concat(duplicates));
        await cards;

        Assert.Equal(41, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.Stored));
        Assert.Equal(9, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.AlreadyStored));
        Assert.Equal(41, await CountAsync("SELECT COUNT(*) FROM feedback"));
        Assert.Equal(20, await CountAsync("SELECT COUNT(*) FROM served_card"));
    }

    [StoreFact]
    public async Task TwoStoresOnOneDatabase_ConcurrentWrites_NoLossNoDuplicate()
    {
        // Two instances (as two processes would) share the database.
        using IDurableFeedbackStore a = Open();
        using IDurableFeedbackStore b = Open();
        Task<IReadOnlyList<FeedbackWriteResult>>[] writes = Enumerable.Range(0, 30)
            .Select(i => Task.Run(() => (i % 2 == 0 ? a : b).StoreFeedbackAsync([Item(card: "card-" + (i / 2))], CancellationToken.None)))
            .ToArray();
        IReadOnlyList<FeedbackWriteResult>[] results = await Task.WhenAll(writes);

        Assert.Equal(15, results.SelectMany(r => r).Count(r => r == FeedbackWriteResult.Stored));
        Assert.Equal(15, await CountAsync("SELECT COUNT(*) FROM feedback"));
    }

    [StoreFact]
    public async Task DatabaseFromANewerVersion_RefusedClearly_AndNotReady()
    {
        using (IDurableFeedbackStore store = Open())
        {
            await store.InitializeAsync(CancellationToken.None);
        }

        await QueryAsync("INSERT INTO schema_version (version, description, applied_at) VALUES (999, 'future', '2030-01-01T00:00:00Z')");

        using IDurableFeedbackStore newer = Open();
        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync(CancellationToken.None));
        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.False(await newer.IsReachableAsync(CancellationToken.None));
    }

    [StoreFact]
    public async Task Report_PerServiceKindAndSummary_CountsCardsNotDuplicates_RatesOverCardsServed()
    {
        using IDurableFeedbackStore store = Open();
        await store.RecordCardsAsync(
        [
            Served("c1", "crs", hook: "h1", patient: "p1"),
            Served("c2", "crs", hook: "h2", patient: "p2"),
            Served("c3", "crs", hook: "h3", patient: "p3"),
            Served("c4", "crs", hook: "h4", patient: "p4"),
            Served("i1", "infection", hook: "h1", patient: "p1"),
            Served("i1", "infection", hook: "h1", patient: "p1"),
            Served("a1", "anaphylaxis", summary: "crs astct2019 0/0", hook: "h5", patient: "p5"),
        ], CancellationToken.None);
        await store.StoreFeedbackAsync(
        [
            Item(card: "c1"),
            Item(card: "c1", at: T0.AddMinutes(1)),            // the EHR sent c1's acceptance twice: one card accepted
            Item(card: "c2", outcome: "overridden"),
            Item(card: "c2", at: T0.AddMinutes(5)),            // overridden, then accepted: counts in both
            Item(card: "i1", outcome: "overridden", reason: "infection-already-addressed"),
            Item(card: "never-served"),
            Item(card: "never-served-2", outcome: "overridden", reason: "other"),
        ], CancellationToken.None);

        IReadOnlyList<FeedbackReportRow> report = await store.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None);

        Assert.Equal(
            [
                ("anaphylaxis", "crs astct2019 0/0", 1L, 0L, 0L, 0L, (double?)0, (double?)0),
                ("crs", "crs astct2019 2/3", 4L, 4L, 2L, 1L, 0.5, 0.25),
                ("infection", "crs astct2019 2/3", 1L, 1L, 0L, 1L, 0, 1),
                (null, null, 0L, 2L, 1L, 1L, null, null),
            ],
            report.Select(r => (r.CardKind, r.GradeSummary, r.CardsServed, r.FeedbackCount, r.Accepted, r.Overridden, r.AcceptanceRate, r.OverrideRate)));
        Assert.All(report, r => Assert.Equal("crs-patient-view", r.ServiceId));
    }

    [StoreFact]
    public async Task Report_TopOverrideReasons_WithTheDisplayTheCardsOffered()
    {
        using IDurableFeedbackStore store = Open();
        (string, string)[] offered = [("grade-disagrees", "Clinical grade differs"), ("data-incomplete", "EHR data incomplete")];
        CardAuditRecord[] cards = [.. Enumerable.Range(0, 10).Select(i => Served($"c{i}", hook: $"h{i}", reasons: offered))];
        await store.RecordCardsAsync(cards, CancellationToken.None);
        string[] reasons = ["grade-disagrees", "grade-disagrees", "grade-disagrees", "data-incomplete", "not-offered", "r4", "r5", "r6"];
        await store.StoreFeedbackAsync(
            [.. reasons.Select((reason, i) => Item(card: $"c{i}", outcome: "overridden", reason: reason)),
             Item(card: "c0", outcome: "overridden", reason: "grade-disagrees", at: T0.AddHours(1))],   // c0 again: one card
            CancellationToken.None);

        FeedbackReportRow row = Assert.Single(await store.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None));

        Assert.Equal(
            [
                new OverrideReasonCount("grade-disagrees", "Clinical grade differs", 3),
                new OverrideReasonCount("data-incomplete", "EHR data incomplete", 1),
                new OverrideReasonCount("not-offered", null, 1),
                new OverrideReasonCount("r4", null, 1),
                new OverrideReasonCount("r5", null, 1),
            ],
            row.TopOverrideReasons);
        Assert.Equal((8L, 0.8), (row.Overridden, row.OverrideRate));
    }

    [StoreFact]
    public async Task ReportWindow_CardsServedInIt_AllFeedbackAboutThem_UnknownCardsByOutcomeTime()
    {
        var window = new FeedbackReportWindow(T0, T0.AddDays(1));
        using IDurableFeedbackStore store = Open();
        await store.RecordCardsAsync(
        [
            Served("before", at: T0.AddTicks(-10), hook: "h0"),                 // the last microsecond before since: out
            Served("first", at: T0, hook: "h1"),                                // since itself: in
            Served("last", at: T0.AddDays(1).AddMicroseconds(-1), hook: "h2"),  // in
            Served("at-until", at: T0.AddDays(1), hook: "h3"),                  // until itself: out
        ], CancellationToken.None);
        await store.StoreFeedbackAsync(
        [
            Item(card: "before", outcome: "overridden", reason: "before-reason", at: T0.AddMinutes(5)),   // feedback in the window, card not: out
            Item(card: "first"),
            Item(card: "last", outcome: "overridden", reason: "late-reason", at: T0.AddDays(3)),          // after until, about a card in it: in
            Item(card: "at-until", at: T0.AddMinutes(5)),
            Item(card: "unknown-in", outcome: "overridden", reason: "unknown-reason", at: T0.AddHours(2)),
            Item(card: "unknown-early", at: T0.AddHours(-2)),        // received (T0 + 1 min) in the window, outcome before it: out
            Item(card: "unknown-late", at: T0.AddDays(1)),
        ], CancellationToken.None);

        IReadOnlyList<FeedbackReportRow> report = await store.GetFeedbackReportAsync(window, CancellationToken.None);

        Assert.Equal(
            [("crs", 2L, 2L, 1L, 1L), (null, 0L, 1L, 0L, 1L)],
            report.Select(r => (r.CardKind, r.CardsServed, r.FeedbackCount, r.Accepted, r.Overridden)));
        Assert.Equal([new OverrideReasonCount("late-reason", null, 1)], report[0].TopOverrideReasons);
        Assert.Equal([new OverrideReasonCount("unknown-reason", null, 1)], report[1].TopOverrideReasons);
    }

    [StoreFact]
    public async Task ReportWindow_OpenAtEitherEnd_AndTheSameInstantInAnyOffset()
    {
        using IDurableFeedbackStore store = Open();
        await store.RecordCardsAsync(
            [Served("old", at: T0.AddDays(-40), hook: "h1"), Served("new", at: T0, hook: "h2")], CancellationToken.None);
        await store.StoreFeedbackAsync([Item(card: "unknown", at: T0.AddDays(-40))], CancellationToken.None);
        DateTimeOffset boundary = T0.AddDays(-1).ToOffset(TimeSpan.FromHours(-5));

        IReadOnlyList<FeedbackReportRow> since = await store.GetFeedbackReportAsync(new FeedbackReportWindow(boundary, null), CancellationToken.None);
        IReadOnlyList<FeedbackReportRow> until = await store.GetFeedbackReportAsync(new FeedbackReportWindow(null, boundary), CancellationToken.None);
        IReadOnlyList<FeedbackReportRow> all = await store.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None);

        Assert.Equal([("crs", 1L, 0L)], since.Select(r => (r.CardKind, r.CardsServed, r.FeedbackCount)));
        Assert.Equal([("crs", 1L, 0L), (null, 0L, 1L)], until.Select(r => (r.CardKind, r.CardsServed, r.FeedbackCount)));
        Assert.Equal([("crs", 2L, 0L), (null, 0L, 1L)], all.Select(r => (r.CardKind, r.CardsServed, r.FeedbackCount)));
    }

    [StoreFact]
    public async Task ReportWindow_EndsToTheMicrosecond_TheSameInBothStores()
    {
        // PostgreSQL keeps microseconds; the window's ends are cut to the microsecond so that SQLite (which keeps ticks) agrees.
        using IDurableFeedbackStore store = Open();
        await store.RecordCardsAsync(
            [Served("in", at: T0.AddTicks(5), hook: "h1"), Served("out", at: T0.AddHours(1).AddTicks(3), hook: "h2")], CancellationToken.None);

        FeedbackReportRow since = Assert.Single(await store.GetFeedbackReportAsync(new FeedbackReportWindow(T0.AddTicks(7), null), CancellationToken.None));
        FeedbackReportRow until = Assert.Single(await store.GetFeedbackReportAsync(new FeedbackReportWindow(null, T0.AddHours(1).AddTicks(9)), CancellationToken.None));

        Assert.Equal((2L, 1L), (since.CardsServed, until.CardsServed));
    }

    [StoreFact]
    public async Task Report_HoldsNoPatientHashNoCardUuidNoComment()
    {
        using IDurableFeedbackStore store = Open(new CdsStorageOptions { KeepOverrideComments = true });
        string hash = await store.HashAsync("Patient/mrn-4711", CancellationToken.None);
        await store.RecordCardsAsync([Served("card-secret-uuid", patient: hash)], CancellationToken.None);
        await store.StoreFeedbackAsync([Item(card: "card-secret-uuid", outcome: "overridden", comment: "Mrs Example, bed 4")], CancellationToken.None);

        string json = System.Text.Json.JsonSerializer.Serialize(await store.GetFeedbackReportAsync(FeedbackReportWindow.All, CancellationToken.None));

        Assert.DoesNotContain(hash, json, StringComparison.Ordinal);
        Assert.DoesNotContain("card-secret-uuid", json, StringComparison.Ordinal);
        Assert.DoesNotContain("Example", json, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task PatientHash_Salted_StableAcrossReopening_NeverTheId()
    {
        string first;
        using (IDurableFeedbackStore store = Open())
        {
            // An id that is not hex: with a random salt a 64-digit hash contains "123" about once in 70 runs.
            first = await store.HashAsync("Patient/mrn-4711", CancellationToken.None);
            Assert.NotEqual(first, await store.HashAsync("Patient/mrn-4712", CancellationToken.None));
            Assert.DoesNotContain("mrn-4711", first, StringComparison.Ordinal);
            Assert.NotEqual(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("Patient/mrn-4711"))), first);
        }

        using IDurableFeedbackStore reopened = Open();
        Assert.Equal(first, await reopened.HashAsync("Patient/mrn-4711", CancellationToken.None));
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [StoreFact]
    public async Task PatientHash_ConfiguredSalt_Used()
    {
        byte[] salt = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using IDurableFeedbackStore store = Open(new CdsStorageOptions { PatientHashSalt = Convert.ToBase64String(salt) });

        Assert.Equal(
            Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes("Patient/123"))),
            await store.HashAsync("Patient/123", CancellationToken.None));
    }
}
