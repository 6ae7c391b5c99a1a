using CrsCdsHooks.Api.Tests.Infrastructure;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>Logs carry the hookInstance, counts, timings and decisions — never patient or user identifiers, or tokens.</summary>
public sealed class LogPrivacyTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    [Fact]
    public async Task CallWithFetchRetriesAndTruncation_LogsNoIdentifierAndNoToken()
    {
        _fhir.FailsVitalSigns(503)
             .ServesPage("/fhir/page/2", BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-2")));
        using var host = new ApiHost(null);
        var request = PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns", "laboratory");
        request.Prefetch()["procedures"] = BundleWithNext($"{_fhir.BaseUrl}/page/2");

        await host.CallAsync(request);

        var logs = host.Logs.AllText;
        Assert.Contains(HookInstance, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(AccessToken, logs, StringComparison.Ordinal);
        Assert.DoesNotContain(PatientId, logs, StringComparison.Ordinal);
        Assert.DoesNotContain("oncologist-1", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("/fhir/", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RejectedRequest_LogsNoIdentifier()
    {
        using var host = new ApiHost(null);
        var request = PatientView();
        request["hookInstance"] = "not-a-uuid";

        await host.CallAsync(request);

        Assert.Contains(host.Logs.Entries, e => e.EventId == 2);
        Assert.DoesNotContain(PatientId, host.Logs.AllText, StringComparison.Ordinal);
    }
}
