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
/// <c>CdsHooks:Limits:MaxBodyBytes</c> (else 413), arrived within <c>CdsHooks:Limits:RequestTimeout</c> (else 408),
/// UTF-8, well-formed, no duplicate members, at most <c>CdsHooks:Limits:MaxJsonDepth</c> deep (else 400). The body is read by hand rather than model-bound so that
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

        PooledBytes? bytes;
        // A client trickling its body just above Kestrel's minimum data rate (240 B/s) would otherwise hold the call
        // for hours: the body must arrive within the request timeout.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limits.RequestTimeout);
        try
        {
            bytes = await BodyReader.ReadCappedAsync(request.Body, max, deadline.Token, request.ContentLength).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            bytes = null;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            return new(null, FhirOutcome.ForStatus(StatusCodes.Status408RequestTimeout,
                $"The body did not arrive within {limits.RequestTimeout.TotalSeconds:0.#} s (CdsHooks:Limits:RequestTimeout): send it in one go."));
        }
        if (bytes is null) return new(null, TooLarge(max));
        using (bytes)
        {
            if (bytes.Length == 0) return new(null, FhirOutcome.BadRequest(["The body is empty: send the request as a JSON object."]));
            // JSON text is UTF-8 (RFC 8259 §8.1). The parser does not check the bytes inside strings, and text read from
            // them later would fail or be silently altered: refuse the body here, saying where.
            if (BodyReader.FirstInvalidUtf8(bytes.Span) is { } invalidAt)
                return new(null, FhirOutcome.BadRequest([$"The body is not valid JSON: byte {invalidAt + 1} is not valid UTF-8. Send the request as UTF-8 text."]));

            // Before parsing: the parser itself throws on such a member name while it checks for duplicates.
            if (BodyReader.FirstUndecodableEscape(bytes.Span, limits.MaxJsonDepth) is { } escapeAt)
            {
                var line = bytes.Span[..(int)escapeAt].Count((byte)'\n') + 1;
                return new(null, FhirOutcome.BadRequest([$"The body is not valid JSON text: the string at byte {escapeAt + 1} (line {line}) escapes an unpaired UTF-16 surrogate (\\uD800–\\uDFFF), which is not Unicode. Send valid Unicode text."]));
            }

            try
            {
                var options = new JsonDocumentOptions { MaxDepth = limits.MaxJsonDepth, AllowDuplicateProperties = false };
                return new(BodyReader.Parse(bytes, options), null);
            }
            catch (JsonException ex)
            {
                var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {ex.BytePositionInLine + 1}" : "";
                var hint = ex.Message.Contains("depth", StringComparison.OrdinalIgnoreCase)
                    ? $"nesting deeper than {limits.MaxJsonDepth} levels (CdsHooks:Limits:MaxJsonDepth)"
                    : ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase)
                        ? "a member appears twice in one object"
                        : "malformed JSON";
                return new(null, FhirOutcome.BadRequest([$"The body is not valid JSON{where}: {hint}. Send one well-formed JSON object."]));
            }
        }
    }

    private static FhirOutcome TooLarge(long max) =>
        FhirOutcome.PayloadTooLarge($"The body is larger than {max} bytes (CdsHooks:Limits:MaxBodyBytes). Prefetch less (the templates' _count and date bounds), or leave keys out for the service to query on fhirServer.");
}
