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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new FhirPage(null, "no answer within the FHIR time budget");
        }
    }
}
