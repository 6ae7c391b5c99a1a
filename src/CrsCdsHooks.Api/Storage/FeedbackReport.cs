namespace CrsCdsHooks.Api.Storage;

/// <summary>Acceptance and override counts for one kind of card (service + card summary).</summary>
/// <param name="ServiceId">The service.</param>
/// <param name="CardSummary">The card summary as served; null for feedback about cards this store never recorded.</param>
/// <param name="CardsServed">Cards served with this summary.</param>
/// <param name="Accepted">Feedback items with outcome <c>accepted</c>.</param>
/// <param name="Overridden">Feedback items with outcome <c>overridden</c>.</param>
public sealed record FeedbackReportRow(string ServiceId, string? CardSummary, long CardsServed, long Accepted, long Overridden);

/// <summary>Reporting over stored feedback.</summary>
public interface IFeedbackReport
{
    /// <summary>Counts per service and card summary, ordered by service then summary.</summary>
    Task<IReadOnlyList<FeedbackReportRow>> GetFeedbackReportAsync(CancellationToken cancellationToken);
}

/// <summary>Pseudonymises patient ids for the served-card audit (no PHI is stored).</summary>
public interface IPatientIdHasher
{
    /// <summary>HMAC-SHA256 of the patient id under this installation's secret salt, as lowercase hex.</summary>
    Task<string> HashAsync(string patientId, CancellationToken cancellationToken);
}
