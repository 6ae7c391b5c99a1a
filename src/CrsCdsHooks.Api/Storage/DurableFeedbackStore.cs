using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// A durable store (SQLite or PostgreSQL): feedback, the served-card audit, the report and the patient hash, created
/// or migrated by <see cref="InitializeAsync"/> when the service starts.
/// </summary>
internal interface IDurableFeedbackStore : IFeedbackStore, IFeedbackReport, IPatientIdHasher, IDisposable
{
    /// <summary>Creates or migrates the schema and loads the salt. Idempotent; safe to call concurrently.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The one-time set-up of a store (schema, salt): started by the first caller, shared by concurrent ones, and retried
/// by the next call after a failure (a server not up yet, a locked file) rather than cached forever.
/// </summary>
internal sealed class StoreInitialization(Func<Task<byte[]>> initialize)
{
    private readonly Lock _lock = new();
    private Task<byte[]>? _initialization;

    /// <summary>The salt, once the store is ready.</summary>
    public Task<byte[]> EnsureAsync()
    {
        lock (_lock)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = initialize();
            }

            return _initialization;
        }
    }
}

/// <summary>The patient-id pseudonym both stores compute: HMAC-SHA-256 under the installation's salt.</summary>
internal static class PatientIdHash
{
    /// <summary>The name of the stored salt in <c>store_setting</c>.</summary>
    public const string SaltSetting = "patient_hash_salt";

    /// <summary>A new random salt, base64 (kept in the database when none is configured).</summary>
    public static string NewSalt() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex HMAC-SHA-256 of the id.</summary>
    public static string Compute(byte[] salt, string patientId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(salt, Encoding.UTF8.GetBytes(patientId)));
}

/// <summary>The argument checks both stores make before writing feedback.</summary>
internal static class StoredFeedback
{
    /// <summary>Throws when the list is null or an item lacks its service, card or outcome (the endpoint validated them).</summary>
    public static void ThrowIfInvalid(IReadOnlyList<FeedbackItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (FeedbackItem item in items)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(item.ServiceId);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.CardUuid);
            ArgumentException.ThrowIfNullOrWhiteSpace(item.Outcome);
        }
    }
}

/// <summary>Instants as both stores key them.</summary>
internal static class StoredInstant
{
    /// <summary>
    /// The instant to the whole microsecond: PostgreSQL's timestamp precision, applied in SQLite too so that the
    /// idempotency of feedback (card + outcome + timestamp) is the same with either store.
    /// </summary>
    public static DateTimeOffset ToMicroseconds(DateTimeOffset instant) =>
        new(instant.UtcTicks - (instant.UtcTicks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

/// <summary>
/// The override reasons already written to a store's <c>card_override_reason</c> catalogue by this process, so that a
/// service call writes them only the first time (the cards offer the same few reasons on every call).
/// </summary>
internal sealed class OfferedReasonCache
{
    private readonly ConcurrentDictionary<(string ServiceId, string CardKind, string Code), string> _written = new();

    /// <summary>The reasons of these cards not yet written (or written with another display), each once.</summary>
    public List<OfferedReasonEntry> Unwritten(IEnumerable<CardAuditRecord> cards) =>
        cards.SelectMany(c => c.OfferedReasons.Select(r => new OfferedReasonEntry(c.ServiceId, c.Kind, r.Code, r.Display)))
            .DistinctBy(r => (r.ServiceId, r.CardKind, r.Code))
            .Where(r => !_written.TryGetValue((r.ServiceId, r.CardKind, r.Code), out var display) || display != r.Display)
            .ToList();

    /// <summary>Call after the transaction that wrote them committed.</summary>
    public void Written(IEnumerable<OfferedReasonEntry> entries)
    {
        foreach (var entry in entries)
        {
            _written[(entry.ServiceId, entry.CardKind, entry.Code)] = entry.Display;
        }
    }
}
