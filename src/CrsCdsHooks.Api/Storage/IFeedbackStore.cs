namespace CrsCdsHooks.Api.Storage;

/// <summary>One feedback item as received (CDS Hooks 2.0 feedback), keyed for idempotency on card + outcome + timestamp.</summary>
/// <param name="ServiceId">The service the feedback was posted to.</param>
/// <param name="CardUuid">The card's uuid.</param>
/// <param name="Outcome">accepted | overridden.</param>
/// <param name="OutcomeTimestamp">When the outcome happened (from the EHR).</param>
/// <param name="AcceptedSuggestionIds">Uuids of accepted suggestions (may be empty).</param>
/// <param name="OverrideReasonCode">The override reason code, if any.</param>
/// <param name="OverrideReasonSystem">Its system, if any.</param>
/// <param name="OverrideComment">The user's free-text comment, if any.</param>
/// <param name="ReceivedAt">When we stored it.</param>
public sealed record FeedbackItem(
    string ServiceId,
    string CardUuid,
    string Outcome,
    DateTimeOffset OutcomeTimestamp,
    IReadOnlyList<string> AcceptedSuggestionIds,
    string? OverrideReasonCode,
    string? OverrideReasonSystem,
    string? OverrideComment,
    DateTimeOffset ReceivedAt);

/// <summary>A card we served, for acceptance/override reporting. No PHI: the patient id is a salted hash.</summary>
/// <param name="CardUuid">The card's uuid.</param>
/// <param name="ServiceId">The service.</param>
/// <param name="HookInstance">The hook instance.</param>
/// <param name="ServedAt">When it was served.</param>
/// <param name="Kind">What the card is about: <c>crs</c>, <c>infection</c>, <c>anaphylaxis</c> (or <c>unknown</c>).</param>
/// <param name="Summary">Grade summary of the whole response, e.g. "crs astct2019 2/3; infection possible; anaphylaxis none-found".</param>
/// <param name="PatientHash">Salted SHA-256 of the patient id.</param>
public sealed record CardAuditRecord(
    string CardUuid, string ServiceId, string HookInstance, DateTimeOffset ServedAt, string Kind, string Summary, string PatientHash)
{
    /// <summary>The override reasons the card offered (our own codes and texts: the report shows their display).</summary>
    public IReadOnlyList<OfferedOverrideReason> OfferedReasons { get; init; } = [];
}

/// <summary>An override reason a card offered.</summary>
/// <param name="Code">Its code (feedback names it).</param>
/// <param name="Display">The text the clinician saw.</param>
public sealed record OfferedOverrideReason(string Code, string Display);

/// <summary>How a feedback write ended.</summary>
public enum FeedbackWriteResult
{
    /// <summary>Stored now (durable when the call returns).</summary>
    Stored,
    /// <summary>The same card + outcome + timestamp was already stored: nothing written.</summary>
    AlreadyStored,
}

/// <summary>Durable store of feedback and served cards. A write returns only once it is durable.</summary>
public interface IFeedbackStore
{
    /// <summary>Stores feedback items in one transaction; idempotent per card + outcome + timestamp.</summary>
    Task<IReadOnlyList<FeedbackWriteResult>> StoreFeedbackAsync(IReadOnlyList<FeedbackItem> items, CancellationToken cancellationToken);

    /// <summary>Records served cards in one transaction.</summary>
    Task RecordCardsAsync(IReadOnlyList<CardAuditRecord> cards, CancellationToken cancellationToken);

    /// <summary>True when the store can be reached (readiness).</summary>
    Task<bool> IsReachableAsync(CancellationToken cancellationToken);
}
