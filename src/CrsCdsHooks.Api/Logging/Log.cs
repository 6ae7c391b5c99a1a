namespace CrsCdsHooks.Api.Logging;

/// <summary>
/// Every log line of the host. They carry the hookInstance, counts, timings and decisions — never a resource
/// body, a name, a patient or user identifier, a URL with a patient id, or a token.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "Hook {HookInstance} for {ServiceId}: {PrefetchKeys} prefetch keys, fhirServer {HasFhirServer}, token {HasToken}")]
    public static partial void ServiceCalled(ILogger logger, string hookInstance, string serviceId, int prefetchKeys, bool hasFhirServer, bool hasToken);

    [LoggerMessage(2, LogLevel.Information, "Request to {ServiceId} rejected with {StatusCode}: {ProblemCount} problem(s)")]
    public static partial void RequestRejected(ILogger logger, string serviceId, int statusCode, int problemCount);

    /// <summary>Information when the key needed the FHIR server or has issues; Debug for a clean prefetched key (the
    /// Evaluated line already counts its resources), which keeps a routine call to two lines.</summary>
    [LoggerMessage(EventId = 3, Message = "Hook {HookInstance} key {Key}: {Source}, {Resources} resources, {Pages} page(s) fetched, {Issues} issue(s), {ElapsedMs} ms")]
    public static partial void PrefetchKeyResolved(ILogger logger, LogLevel level, string hookInstance, string key, string source, int resources, int pages, int issues, long elapsedMs);

    [LoggerMessage(4, LogLevel.Warning, "Hook {HookInstance} key {Key}: FHIR query page {Page} failed ({Failure})")]
    public static partial void FhirQueryFailed(ILogger logger, string hookInstance, string key, int page, string failure);

    [LoggerMessage(30, LogLevel.Error, "Hook {HookInstance} key {Key}: reading the key failed unexpectedly ({ExceptionType}); the key is treated as unobtainable. Stack (no message: it may quote data): {StackTrace}")]
    public static partial void KeyFailedUnexpectedly(ILogger logger, string hookInstance, string key, string exceptionType, string? stackTrace);

    [LoggerMessage(5, LogLevel.Warning, "Hook {HookInstance}: 412, data needed to grade could not be obtained for {Keys}")]
    public static partial void DataUnobtainable(ILogger logger, string hookInstance, string keys);

    [LoggerMessage(6, LogLevel.Information, "Hook {HookInstance}: {Cards} card(s) from {Resources} resources and {Issues} source issue(s); primary {PrimarySystem}; fetch {FetchMs} ms, evaluation {EvaluationMs} ms")]
    public static partial void Evaluated(ILogger logger, string hookInstance, int cards, int resources, int issues, string primarySystem, long fetchMs, long evaluationMs);

    [LoggerMessage(7, LogLevel.Warning, "Hook {HookInstance}: recording {Cards} served card(s) failed ({ExceptionType}); the cards were still returned")]
    public static partial void CardAuditFailed(ILogger logger, string hookInstance, int cards, string exceptionType);

    [LoggerMessage(8, LogLevel.Error, "Unexpected failure, correlation id {CorrelationId}")]
    public static partial void UnexpectedFailure(ILogger logger, string correlationId, Exception exception);

    [LoggerMessage(9, LogLevel.Information, "Feedback for {ServiceId}: {Items} item(s), {Stored} stored, {AlreadyStored} already stored, {Accepted} accepted, {Overridden} overridden")]
    public static partial void FeedbackStored(ILogger logger, string serviceId, int items, int stored, int alreadyStored, int accepted, int overridden);

    [LoggerMessage(10, LogLevel.Warning, "Hook {HookInstance}: fhirServer is not an allowed server (403)")]
    public static partial void FhirServerRefused(ILogger logger, string hookInstance);

    [LoggerMessage(11, LogLevel.Warning, "Hook {HookInstance}: abandoned after the request timeout of {TimeoutMs} ms (503)")]
    public static partial void RequestTimedOut(ILogger logger, string hookInstance, long timeoutMs);


    [LoggerMessage(13, LogLevel.Warning, "No durable feedback store is registered: feedback and served cards are kept in memory only and are lost on restart")]
    public static partial void InMemoryFeedbackStore(ILogger logger);

    [LoggerMessage(14, LogLevel.Warning, "Sample {File} is not a hook request (no hook/hookInstance) or not valid JSON; it is not offered as a Swagger example")]
    public static partial void SampleSkipped(ILogger logger, string file);

    [LoggerMessage(15, LogLevel.Warning, "Readiness: the feedback store is not reachable ({Reason})")]
    public static partial void NotReady(ILogger logger, string reason);

    [LoggerMessage(16, LogLevel.Information, "Hook {HookInstance}: client disconnected before the answer")]
    public static partial void ClientDisconnected(ILogger logger, string hookInstance);

    [LoggerMessage(17, LogLevel.Warning, "Call refused with 429: the {Partition}'s rate limit of {PermitLimit} per {WindowSeconds} s was reached")]
    public static partial void RateLimited(ILogger logger, string partition, int permitLimit, long windowSeconds);
}
