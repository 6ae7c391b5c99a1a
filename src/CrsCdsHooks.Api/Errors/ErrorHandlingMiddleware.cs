using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.Logging;

namespace CrsCdsHooks.Api.Errors;

/// <summary>
/// Keeps the error contract of CDS-HOOKS.md for everything the endpoints do not answer themselves: an unexpected
/// exception becomes a 500 OperationOutcome naming the correlation id (the hookInstance once the request was read,
/// else the trace identifier) and is logged with its type and stack trace but not its message (free text that may quote
/// the request) — never a stack trace in the body; an empty non-2xx answer (unknown
/// route 404, 405, …) gets an OperationOutcome body. 401 stays empty (the JWT trust answers it).
/// </summary>
internal sealed class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    /// <summary>The <see cref="HttpContext.Items"/> key under which a handler leaves the hookInstance.</summary>
    public const string CorrelationIdItem = "CrsCdsHooks.CorrelationId";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientDisconnected(logger, CorrelationId(context));
            return;
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            var outcome = ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? FhirOutcome.PayloadTooLarge("The body is larger than the service accepts (CdsHooks:Limits:MaxBodyBytes).")
                : FhirOutcome.ForStatus(ex.StatusCode, "The HTTP request is malformed. Send a well-formed HTTP request with a JSON body.");
            await outcome.ExecuteAsync(context).ConfigureAwait(false);
            return;
        }
#pragma warning disable CA1031 // the last line of defence: every failure becomes an OperationOutcome
        catch (Exception ex)
#pragma warning restore CA1031
        {
            var correlationId = CorrelationId(context);
            Log.UnexpectedFailure(logger, correlationId, WithheldMessageException.Of(ex)); // type and stack, no message: it may quote the request
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }
            context.Response.Clear();
            await FhirOutcome.ServerError(correlationId).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var status = context.Response.StatusCode;
        if (status >= 400 && status != StatusCodes.Status401Unauthorized && !context.Response.HasStarted
            && context.Response.ContentLength is null && string.IsNullOrEmpty(context.Response.ContentType))
        {
            await EmptyErrorOutcome(context, status).ExecuteAsync(context).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The body of an error nothing wrote one for. Routing refuses a body that is not JSON (the endpoints declare
    /// <c>application/json</c>) before any handler runs: the answer must be the handler's own 415, and an unknown
    /// service id stays a 404 whatever the content type.
    /// </summary>
    private static FhirOutcome EmptyErrorOutcome(HttpContext context, int status)
    {
        if (status == StatusCodes.Status415UnsupportedMediaType)
        {
            if (UnknownServiceId(context.Request.Path) is { } id)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return CdsServiceEndpointsText.UnknownService(id);
            }
            return FhirOutcome.UnsupportedMediaType(EmptyErrorText(context, status));
        }
        return FhirOutcome.ForStatus(status, EmptyErrorText(context, status));
    }

    /// <summary>The id of <c>/cds-services/{id}</c> or <c>/cds-services/{id}/feedback</c> when no service has it.</summary>
    private static string? UnknownServiceId(PathString path)
    {
        var segments = (path.Value ?? "").Trim('/').Split('/');
        if (segments.Length is < 2 or > 3 || segments[0] != "cds-services" || (segments.Length == 3 && segments[2] != "feedback")) return null;
        var id = Uri.UnescapeDataString(segments[1]);
        return CdsServiceCatalog.Find(id) is null ? id : null;
    }

    private static string CorrelationId(HttpContext context) =>
        context.Items.TryGetValue(CorrelationIdItem, out var id) && id is string s ? s : context.TraceIdentifier;

    private static string EmptyErrorText(HttpContext context, int status) => status switch
    {
        StatusCodes.Status404NotFound =>
            "No such resource. The service answers GET /cds-services, POST /cds-services/{id}, POST /cds-services/{id}/feedback, GET /health/live, GET /health/ready and GET /swagger.",
        StatusCodes.Status405MethodNotAllowed =>
            $"Method {CdsHooksText.Method(context.Request.Method)} is not allowed here: discovery is GET /cds-services; services and feedback are POST.",
        StatusCodes.Status403Forbidden => "The caller is not allowed to use this endpoint.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with the header Content-Type: application/json.",
        _ => $"The request failed with HTTP {status}.",
    };
}

/// <summary>Safe renderings of request values in error texts.</summary>
internal static class CdsHooksText
{
    public static string Method(string method) => method.Length <= 10 && method.All(char.IsAsciiLetterUpper) ? method : "this method";
}
