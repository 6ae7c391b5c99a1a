using System.Text.Json;

using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.FhirServer;
using CrsCdsHooks.Api.Options;

using Microsoft.AspNetCore.Http.Features;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>A parsed JSON body, or the error answer (415, 413 or 400) that says what to fix.</summary>
internal readonly record struct JsonBody(JsonDocument? Document, FhirOutcome? Error);

/// <summary>
/// Reads a POST body as JSON under the configured limits: JSON content type (else 415), at most
/// <c>CdsHooks:Limits:MaxBodyBytes</c> (else 413), well-formed, no duplicate members, at most
/// <c>CdsHooks:Limits:MaxJsonDepth</c> deep (else 400). The body is read by hand rather than model-bound so that
/// every failure gets its own status and a sentence that says what to fix.
/// </summary>
internal static class JsonRequestBody
{
    public static async Task<JsonBody> ReadAsync(HttpRequest request, LimitsOptions limits, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
            return new(null, FhirOutcome.UnsupportedMediaType("Send the body as JSON with the header Content-Type: application/json."));

        var max = limits.MaxBodyBytes;
        if (request.ContentLength > max) return new(null, TooLarge(max));
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = max + 1;

        JsonDocument? document;
        BodyReadOutcome outcome;
        JsonException? invalid;
        try
        {
            var options = new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, AllowDuplicateProperties = false };
            (document, outcome, invalid) = await BodyReader.ParseCappedAsync(request.Body, max, options, cancellationToken).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            (document, outcome, invalid) = (null, BodyReadOutcome.TooLarge, null);
        }
        switch (outcome)
        {
            case BodyReadOutcome.Parsed:
                return new(document, null);
            case BodyReadOutcome.TooLarge:
                return new(null, TooLarge(max));
            case BodyReadOutcome.Empty:
                return new(null, FhirOutcome.BadRequest(["The body is empty: send the request as a JSON object."]));
            default:
                var ex = invalid!;
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "";
                var hint = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                    ? $"nesting deeper than {limits.MaxJsonDepth} levels (CdsHooks:Limits:MaxJsonDepth)"
                    : ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
                        ? "a member appears twice in one object"
                        : "malformed JSON";
                return new(null, FhirOutcome.BadRequest([$"The body is not valid JSON{where}: {hint}. Send one well-formed JSON object."]));
        }
    }

    private static FhirOutcome TooLarge(long max) =>
        FhirOutcome.PayloadTooLarge($"The body is larger than {max} bytes (CdsHooks:Limits:MaxBodyBytes). Prefetch less (the templates' _count and date bounds), or leave keys out for the service to query on fhirServer.");
}