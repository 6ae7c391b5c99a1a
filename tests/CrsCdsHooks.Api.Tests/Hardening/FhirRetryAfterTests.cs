using System.Net;

using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// A throttled FHIR server (429 or 503 with Retry-After) that asks to be left alone for longer than the whole FHIR
/// budget is not asked again within it: retrying at once only adds load to a server that said it is overloaded, for
/// an answer that cannot come in time. A shorter Retry-After, or none, is retried as before.
/// </summary>
public sealed class FhirRetryAfterTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    [Theory]
    [InlineData(429, "120")]
    [InlineData(503, "3600")]
    [InlineData(429, "Wed, 25 Nov 2099 12:00:00 GMT")]
    public async Task RetryAfterBeyondTheBudget_IsNotRetried(int status, string retryAfter)
    {
        Throttles(status, retryAfter);
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:Budget"] = "00:00:05", ["CdsHooks:Fhir:Timeout"] = "00:00:01" });

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
    }

    [Theory]
    [InlineData(429, null)]
    [InlineData(429, "0")]
    [InlineData(503, "1")]
    public async Task NoOrAShortRetryAfter_IsRetried(int status, string? retryAfter)
    {
        Throttles(status, retryAfter);
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:Budget"] = "00:00:05", ["CdsHooks:Fhir:Timeout"] = "00:00:01" });

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal(3, _fhir.RequestsTo("/fhir/Observation").Count); // 1 + 2 retries
    }

    private void Throttles(int status, string? retryAfter)
    {
        var answer = Response.Create().WithStatusCode(status);
        if (retryAfter is not null) answer = answer.WithHeader("Retry-After", retryAfter);
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").UsingGet()).AtPriority(1).RespondWith(answer);
    }
}
