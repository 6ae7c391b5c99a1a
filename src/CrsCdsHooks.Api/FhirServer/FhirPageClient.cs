using System.Net.Http.Headers;
using System.Text.Json;

using CrsCdsHooks.Api.Options;

using Microsoft.Extensions.Options;

using Polly.Timeout;

namespace CrsCdsHooks.Api.FhirServer;

/// <summary>One page read from a FHIR server: its parsed JSON, or why it could not be had.</summary>
/// <param name="Document">The parsed body (the caller disposes it); null on failure.</param>
/// <param name="Failure">A short reason without URL or identifiers ("HTTP 500", "timed out"); null on success.</param>
internal sealed record FhirPage(JsonDocument? Document, string? Failure);

/// <summary>
/// GETs one FHIR URL through the named, resilient <see cref="HttpClientName"/> client (retries with jittered
/// back-off and a per-attempt timeout: see <c>FhirServerRegistration</c>), with the bearer token when given.
/// Bodies are capped at <c>CdsHooks:Limits:MaxBodyBytes</c> and parsed with the JSON depth limit.
/// </summary>
internal sealed class FhirPageClient(IHttpClientFactory factory, IOptions<LimitsOptions> limits)
{
    public const string HttpClientName = "fhir-server";

    /// <summary>
    /// The media type when it is not JSON, else null. FHIR JSON is <c>application/fhir+json</c>; servers also send
    /// <c>application/json</c>, the DSTU2-era <c>application/json+fhir</c> or <c>text/json</c>, and some send none.
    /// Anything else (an HTML login page, <c>application/fhir+xml</c>) is refused even if the bytes parse as JSON.
    /// </summary>
    internal static string? NotJson(string? mediaType)
    {
        if (string.IsNullOrWhiteSpace(mediaType)) return null;
        var type = mediaType.Trim();
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                   || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
                   || type.Equals("application/json+fhir", StringComparison.OrdinalIgnoreCase)
                   || type.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
        return json ? null : type.Length <= 80 ? type : type[..80];
    }

    public async Task<FhirPage> GetAsync(Uri url, string? accessToken, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json", 0.9));
        if (!string.IsNullOrEmpty(accessToken))
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

        var client = factory.CreateClient(HttpClientName);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) return new FhirPage(null, $"HTTP {(int)response.StatusCode}");
            if (NotJson(response.Content.Headers.ContentType?.MediaType) is { } contentType)
                return new FhirPage(null, $"answered Content-Type {contentType}, not FHIR JSON");

            var max = limits.Value.MaxBodyBytes;
            if (response.Content.Headers.ContentLength > max) return new FhirPage(null, $"response larger than {max} bytes");
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var bytes = await BodyReader.ReadCappedAsync(body, max, cancellationToken, response.Content.Headers.ContentLength).ConfigureAwait(false);
            if (bytes is null) return new FhirPage(null, $"response larger than {max} bytes");
            if (BodyReader.FirstInvalidUtf8(bytes.Span) is not null) return new FhirPage(null, "the response is not valid UTF-8");
            if (BodyReader.FirstUndecodableEscape(bytes.Span, limits.Value.MaxJsonDepth) is not null)
                return new FhirPage(null, "the response escapes text that is not Unicode (an unpaired surrogate)");
            var document = BodyReader.Parse(bytes, new JsonDocumentOptions { MaxDepth = limits.Value.MaxJsonDepth });
            return new FhirPage(document, null);
        }
        catch (JsonException)
        {
            return new FhirPage(null, "the response is not valid JSON");
        }
        catch (TimeoutRejectedException)
        {
            return new FhirPage(null, "timed out");
        }
        catch (HttpRequestException ex)
        {
            return new FhirPage(null, ex.StatusCode is { } status ? $"HTTP {(int)status}" : $"connection failed ({ex.HttpRequestError})");
        }
        catch (HttpIOException ex)
        {
            // The headers came, then the body broke off: the connection closed early, or a chunk was malformed.
            return new FhirPage(null, $"the answer broke off while it was read ({ex.HttpRequestError})");
        }
        catch (IOException)
        {
            return new FhirPage(null, "the answer broke off while it was read (connection error)");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new FhirPage(null, "no answer within the FHIR time budget");
        }
    }
}
