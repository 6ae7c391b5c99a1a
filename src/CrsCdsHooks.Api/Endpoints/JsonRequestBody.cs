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
                var where = ex.LineNumber is { } line ? $"line {line + 1}, byte {ex.BytePositionInLine + 1}" : null;
                var text = Diagnose(bytes.Span, limits.MaxJsonDepth) switch
                {
                    JsonFault.TooDeep => $"The body is not valid JSON{At(where)}: nesting deeper than {limits.MaxJsonDepth} levels (CdsHooks:Limits:MaxJsonDepth). Nest less deeply.",
                    JsonFault.EndsTooSoon => $"The body is not valid JSON: the JSON ends before it is complete ({End(bytes.Span)}), with an object, array or string still open. Was the body cut off? Send the whole JSON object.",
                    _ when ex.Message.Contains("duplicate", StringComparison.OrdinalIgnoreCase) =>
                        $"The body is not valid JSON{At(where)}: a member appears twice in one object. Send each member once.",
                    _ => $"The body is not valid JSON{At(where)}: malformed JSON. Send one well-formed JSON object.",
                };
                return new(null, FhirOutcome.BadRequest([text]));
            }
        }
    }

    private static string At(string? where) => where is null ? "" : $" at {where}";

    /// <summary>Where a body stops: the line and the byte just past its last one (the parser may point at an open string's start instead).</summary>
    private static string End(ReadOnlySpan<byte> body)
    {
        var lastNewline = body.LastIndexOf((byte)'\n');
        return $"line {body.Count((byte)'\n') + 1}, byte {body.Length - lastNewline}";
    }

    /// <summary>Why a body the parser refused is not JSON, as far as the client needs to know.</summary>
    internal enum JsonFault
    {
        /// <summary>Not well-formed somewhere (or a duplicate member: the parser alone says so).</summary>
        Malformed,

        /// <summary>Nested deeper than the configured maximum.</summary>
        TooDeep,

        /// <summary>A correct beginning of JSON that stops before its value is complete: a cut-off body.</summary>
        EndsTooSoon,
    }

    /// <summary>
    /// Measures rather than reads the parser's message (its "Expected depth to be zero at the end of the JSON
    /// payload", said of a cut-off body, also contains "depth"): the bytes are read again as a block with more to
    /// come and no depth limit of the reader's own. Deeper than <paramref name="maxDepth"/> before any other fault →
    /// <see cref="JsonFault.TooDeep"/>; every token well-formed and only the data running out, inside an object or
    /// array or before the first value is complete → <see cref="JsonFault.EndsTooSoon"/>; anything else (a bad token,
    /// text after the value, a duplicate member) → <see cref="JsonFault.Malformed"/>.
    /// </summary>
    internal static JsonFault Diagnose(ReadOnlySpan<byte> body, int maxDepth)
    {
        if (body.StartsWith("\uFEFF"u8)) body = body[3..];
        // The body is capped (MaxBodyBytes), so the depth it can reach is bounded too; the reader's bit stack grows as needed.
        var reader = new Utf8JsonReader(body, isFinalBlock: false, new JsonReaderState(new JsonReaderOptions { MaxDepth = int.MaxValue }));
        try
        {
            while (reader.Read())
            {
                // As the parser counts: an object or array opened at depth maxDepth is one level too many.
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= maxDepth)
                    return JsonFault.TooDeep;
            }
            return reader.CurrentDepth > 0 || reader.TokenType == JsonTokenType.None ? JsonFault.EndsTooSoon : JsonFault.Malformed;
        }
        catch (JsonException)
        {
            return JsonFault.Malformed;
        }
    }

    private static FhirOutcome TooLarge(long max) =>
        FhirOutcome.PayloadTooLarge($"The body is larger than {max} bytes (CdsHooks:Limits:MaxBodyBytes). Prefetch less (the templates' _count and date bounds), or leave keys out for the service to query on fhirServer.");
}
