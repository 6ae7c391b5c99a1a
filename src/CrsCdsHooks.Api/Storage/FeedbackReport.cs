namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// Acceptance and override of one group of served cards: one service, one card kind, one grade summary. No PHI: no
/// patient hash, no card uuid, no comment.
/// </summary>
/// <param name="ServiceId">The service.</param>
/// <param name="CardKind"><c>crs</c>, <c>infection</c> or <c>anaphylaxis</c> (<c>unknown</c>: audited before kinds were kept, not told apart); absent for feedback about cards this store never recorded.</param>
/// <param name="GradeSummary">The grade summary of the response the cards were in, e.g. "crs astct2019 2/3; infection possible; anaphylaxis none-found"; absent for feedback about cards this store never recorded.</param>
/// <param name="CardsServed">Cards served.</param>
/// <param name="FeedbackCount">Feedback items received about these cards (an EHR may send several for one card).</param>
/// <param name="Accepted">Cards with at least one <c>accepted</c> feedback item.</param>
/// <param name="Overridden">Cards with at least one <c>overridden</c> feedback item.</param>
/// <param name="AcceptanceRate">Accepted ÷ cards served (0 to 1, four decimals); absent when no card was served.</param>
/// <param name="OverrideRate">Overridden ÷ cards served (0 to 1, four decimals); absent when no card was served.</param>
/// <param name="TopOverrideReasons">The most frequent override reasons (at most 5: <c>FeedbackReports.TopReasons</c>), most frequent first.</param>
public sealed record FeedbackReportRow(
    string ServiceId,
    string? CardKind,
    string? GradeSummary,
    long CardsServed,
    long FeedbackCount,
    long Accepted,
    long Overridden,
    double? AcceptanceRate,
    double? OverrideRate,
    IReadOnlyList<OverrideReasonCount> TopOverrideReasons);

/// <summary>How often one override reason was given.</summary>
/// <param name="Code">The reason code the EHR sent.</param>
/// <param name="Display">The text the cards offered for it; absent when no card the service served offered this code.</param>
/// <param name="Count">Cards overridden with this reason.</param>
public sealed record OverrideReasonCount(string Code, string? Display, long Count);

/// <summary>
/// The half-open window of a feedback report, <c>Since ≤ t &lt; Until</c>, either end open when absent. A served
/// card is in it when its served time (<c>served_card.served_at</c>) is, and then all feedback about it counts,
/// whenever received. Feedback about a card the store never recorded (the row without kind or summary) is in it when
/// its outcome time (<c>feedback.outcome_timestamp</c>, when the clinician accepted or overrode the card) is: the
/// nearest recorded instant to when that card was served, whereas the received time adds however long the EHR took
/// to deliver the feedback. Both ends are kept to the whole microsecond (the precision of the stores), in UTC.
/// </summary>
public sealed record FeedbackReportWindow
{
    /// <param name="since">The first instant in the window; null: no lower end.</param>
    /// <param name="until">The first instant after the window; null: no upper end.</param>
    /// <exception cref="ArgumentException">Both are given and since is not before until.</exception>
    public FeedbackReportWindow(DateTimeOffset? since, DateTimeOffset? until)
    {
        Since = since is { } s ? StoredInstant.ToMicroseconds(s) : null;
        Until = until is { } u ? StoredInstant.ToMicroseconds(u) : null;
        if (Since >= Until)
            throw new ArgumentException($"The window's since ({Since:O}) must be before its until ({Until:O}).", nameof(since));
    }

    /// <summary>No window: every card and all feedback.</summary>
    public static FeedbackReportWindow All { get; } = new(null, null);

    /// <summary>The first instant in the window (UTC, whole microseconds); null: no lower end.</summary>
    public DateTimeOffset? Since { get; }

    /// <summary>The first instant after the window (UTC, whole microseconds); null: no upper end.</summary>
    public DateTimeOffset? Until { get; }
}

/// <summary>Reporting over stored feedback.</summary>
public interface IFeedbackReport
{
    /// <summary>
    /// One row per service, card kind and grade summary, ordered by service, kind, summary (feedback about unknown
    /// cards last), over the cards served in <paramref name="window"/> and the feedback about them; the unknown-card
    /// row over the feedback whose outcome time is in the window (see <see cref="FeedbackReportWindow"/>).
    /// </summary>
    Task<IReadOnlyList<FeedbackReportRow>> GetFeedbackReportAsync(FeedbackReportWindow window, CancellationToken cancellationToken);
}

/// <summary>Pseudonymises patient ids for the served-card audit (no PHI is stored).</summary>
public interface IPatientIdHasher
{
    /// <summary>HMAC-SHA256 of the patient id under this installation's secret salt, as lowercase hex.</summary>
    Task<string> HashAsync(string patientId, CancellationToken cancellationToken);
}

/// <summary>One group's counts as a store's SQL aggregates them (kind and summary null: feedback about unknown cards).</summary>
internal sealed record FeedbackCounts(string ServiceId, string? CardKind, string? GradeSummary, long CardsServed, long FeedbackCount, long Accepted, long Overridden);

/// <summary>Cards of one group overridden with one reason code (kind and summary null: unknown cards).</summary>
internal sealed record OverrideReasonTally(string ServiceId, string? CardKind, string? GradeSummary, string Code, long Count);

/// <summary>A reason a served card offered: the store's catalogue of displays.</summary>
internal sealed record OfferedReasonEntry(string ServiceId, string CardKind, string Code, string Display);

/// <summary>The parts of the report both stores share: rates, top reasons, displays, order.</summary>
internal static class FeedbackReports
{
    /// <summary>Override reasons listed per row.</summary>
    public const int TopReasons = 5;

    /// <summary>Builds the rows from the SQL aggregates of either store.</summary>
    public static IReadOnlyList<FeedbackReportRow> Assemble(
        IEnumerable<FeedbackCounts> counts, IEnumerable<OverrideReasonTally> reasons, IEnumerable<OfferedReasonEntry> offered)
    {
        var catalogue = offered.ToList();
        var exact = catalogue.GroupBy(o => (o.ServiceId, o.CardKind, o.Code))
            .ToDictionary(g => g.Key, g => g.First().Display);
        // A card audited before kinds were kept, or never recorded: the service's display for the code, whatever card offered it.
        var anyKind = catalogue.GroupBy(o => (o.ServiceId, o.Code))
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.CardKind, StringComparer.Ordinal).First().Display);
        var reasonsByGroup = reasons.ToLookup(r => (r.ServiceId, r.CardKind, r.GradeSummary));

        return counts
            .Select(c => new FeedbackReportRow(
                c.ServiceId, c.CardKind, c.GradeSummary, c.CardsServed, c.FeedbackCount, c.Accepted, c.Overridden,
                Rate(c.Accepted, c.CardsServed), Rate(c.Overridden, c.CardsServed),
                reasonsByGroup[(c.ServiceId, c.CardKind, c.GradeSummary)]
                    .OrderByDescending(r => r.Count).ThenBy(r => r.Code, StringComparer.Ordinal)
                    .Take(TopReasons)
                    .Select(r => new OverrideReasonCount(r.Code, Display(r), r.Count))
                    .ToList()))
            .OrderBy(r => r.ServiceId, StringComparer.Ordinal)
            .ThenBy(r => r.CardKind is null ? 1 : 0)
            .ThenBy(r => r.CardKind, StringComparer.Ordinal)
            .ThenBy(r => r.GradeSummary, StringComparer.Ordinal)
            .ToList();

        string? Display(OverrideReasonTally r) =>
            r.CardKind is not null && exact.TryGetValue((r.ServiceId, r.CardKind, r.Code), out var display)
                ? display
                : anyKind.GetValueOrDefault((r.ServiceId, r.Code));
    }

    private static double? Rate(long part, long whole) => whole == 0 ? null : Math.Round((double)part / whole, 4);
}
