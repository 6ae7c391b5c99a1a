using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

using Task = System.Threading.Tasks.Task;

namespace CrsCdsHooks.Api.Errors;

/// <summary>
/// A non-2xx answer whose body is a FHIR <c>OperationOutcome</c> (<c>application/fhir+json</c>), serialised with
/// Firely. Every issue's text says what to fix (CDS-HOOKS.md "Errors"). Never carries a stack trace.
/// </summary>
public sealed class FhirOutcome : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    /// <summary>The media type of every error body.</summary>
    public const string MediaType = "application/fhir+json";

    private static readonly FhirJsonSerializer Serializer = new();

    private FhirOutcome(int statusCode, OperationOutcome.IssueType code, IReadOnlyList<string> messages, OperationOutcome.IssueSeverity severity)
    {
        StatusCode = statusCode;
        Code = code;
        Messages = messages;
        Severity = severity;
    }

    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <inheritdoc />
    public string ContentType => MediaType + "; charset=utf-8";

    /// <summary>The FHIR issue type of every issue.</summary>
    public OperationOutcome.IssueType Code { get; }

    /// <summary>One issue per message.</summary>
    public IReadOnlyList<string> Messages { get; }

    /// <summary>The issues' severity.</summary>
    public OperationOutcome.IssueSeverity Severity { get; }

    /// <summary>400: the request is not a valid hook call.</summary>
    public static FhirOutcome BadRequest(IReadOnlyList<string> problems) =>
        new(StatusCodes.Status400BadRequest, OperationOutcome.IssueType.Invalid, problems, OperationOutcome.IssueSeverity.Error);

    /// <summary>403: the service refuses to contact a FHIR server that is not allowed.</summary>
    public static FhirOutcome Forbidden(string message) =>
        new(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>404: unknown service or route.</summary>
    public static FhirOutcome NotFound(string message) =>
        new(StatusCodes.Status404NotFound, OperationOutcome.IssueType.NotFound, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>412: the data needed to grade could not be obtained.</summary>
    public static FhirOutcome PreconditionFailed(IReadOnlyList<string> messages) =>
        new(StatusCodes.Status412PreconditionFailed, OperationOutcome.IssueType.Incomplete, messages, OperationOutcome.IssueSeverity.Error);

    /// <summary>413: the body or its prefetch is too large.</summary>
    public static FhirOutcome PayloadTooLarge(string message) =>
        new(StatusCodes.Status413PayloadTooLarge, OperationOutcome.IssueType.TooLong, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>415: the body is not JSON.</summary>
    public static FhirOutcome UnsupportedMediaType(string message) =>
        new(StatusCodes.Status415UnsupportedMediaType, OperationOutcome.IssueType.NotSupported, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>500: an unexpected failure, with the correlation id under which it was logged.</summary>
    public static FhirOutcome ServerError(string correlationId) =>
        new(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception,
            [$"The service failed unexpectedly and logged the failure under correlation id {correlationId}. Retry the call; if it fails again, give the operator this id."],
            OperationOutcome.IssueSeverity.Fatal);

    /// <summary>503: the call took longer than the configured request timeout, or storage is not reachable.</summary>
    public static FhirOutcome Unavailable(OperationOutcome.IssueType code, string message) =>
        new(StatusCodes.Status503ServiceUnavailable, code, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>Any other status (e.g. 405) with one message.</summary>
    public static FhirOutcome ForStatus(int statusCode, string message) =>
        new(statusCode, statusCode switch
        {
            StatusCodes.Status405MethodNotAllowed => OperationOutcome.IssueType.NotSupported,
            StatusCodes.Status403Forbidden => OperationOutcome.IssueType.Forbidden,
            StatusCodes.Status404NotFound => OperationOutcome.IssueType.NotFound,
            StatusCodes.Status408RequestTimeout => OperationOutcome.IssueType.Timeout,
            StatusCodes.Status429TooManyRequests => OperationOutcome.IssueType.Throttled,
            >= 500 => OperationOutcome.IssueType.Exception,
            _ => OperationOutcome.IssueType.Processing,
        }, [message], OperationOutcome.IssueSeverity.Error);

    /// <summary>The OperationOutcome resource.</summary>
    public OperationOutcome ToResource()
    {
        var outcome = new OperationOutcome
        {
            Text = new Narrative
            {
                Status = Narrative.NarrativeStatus.Generated,
                Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">"
                      + string.Join("", Messages.Select(m => $"<p>{WebUtility.HtmlEncode(m)}</p>"))
                      + "</div>",
            },
        };
        foreach (var message in Messages)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = Severity,
                Code = Code,
                Details = new CodeableConcept { Text = message },
            });
        }
        return outcome;
    }

    /// <summary>The body as UTF-8 JSON.</summary>
    public byte[] ToJsonBytes()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            Serializer.Serialize(ToResource(), writer);
        return buffer.ToArray();
    }

    /// <inheritdoc />
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var body = ToJsonBytes();
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
