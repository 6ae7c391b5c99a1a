using System.Diagnostics;
using System.Net;

using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>Tests that measure time run alone, so that other tests' load does not decide them.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>The FHIR time budget: a failing or slow server costs at most the budget, and keys are queried in parallel.</summary>
[Collection(nameof(RunsAlone))]
public sealed class FhirBudgetTests : IDisposable
{
    private static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(750);

    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    [Fact]
    public async Task AllKeysAbsent_AreQueriedInParallel()
    {
        _fhir.Server.Given(Request.Create().WithPath("/fhir/*").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Bundle().ToJsonString()).WithDelay(TimeSpan.FromMilliseconds(600)));
        _fhir.Server.Given(Request.Create().WithPath($"/fhir/Patient/{PatientId}").UsingGet()).AtPriority(0)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Patient().ToJsonString()).WithDelay(TimeSpan.FromMilliseconds(600)));
        using var host = PrefetchTests.Host(("CdsHooks:Fhir:Budget", "00:00:10"), ("CdsHooks:Fhir:Timeout", "00:00:05"));
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Remove("prefetch");
        await host.CallAsync(PatientView()); // warm up the host

        var clock = Stopwatch.StartNew();
        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(7, _fhir.Requests.Count);
        Assert.True(clock.Elapsed < TimeSpan.FromMilliseconds(7 * 600 / 2), $"took {clock.ElapsedMilliseconds} ms: not parallel");
    }

    [Fact]
    public async Task FhirServer500ForVitalSigns_Is412WithinTheBudget()
    {
        _fhir.FailsVitalSigns(500);
        using var host = TightBudgetHost();
        await host.CallAsync(PatientView()); // warm up

        var clock = Stopwatch.StartNew();
        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "'vitalSigns'");
        Assert.Contains("HTTP 500", text, StringComparison.Ordinal);
        Assert.Equal(3, _fhir.RequestsTo("/fhir/Observation").Count); // 1 + 2 retries
        Assert.True(clock.Elapsed < TestBudget + Margin, $"took {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task FhirServerTooSlow_Is412WithinTheBudgetPlusASmallMargin()
    {
        _fhir.IsSlowForEverything(TimeSpan.FromSeconds(2.5));
        using var host = TightBudgetHost();
        await host.CallAsync(PatientView()); // warm up

        var clock = Stopwatch.StartNew();
        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns", "patient"));
        clock.Stop();

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "'vitalSigns'");
        Assert.Contains("'patient'", text, StringComparison.Ordinal);
        Assert.True(clock.Elapsed >= TestBudget - TimeSpan.FromMilliseconds(100), $"gave up after {clock.ElapsedMilliseconds} ms, before the budget");
        Assert.True(clock.Elapsed < TestBudget + Margin, $"took {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>A host whose FHIR budget (1 s) and attempt timeout (0.3 s) keep the timing tests short.</summary>
    private static ApiHost TightBudgetHost() => PrefetchTests.Host(("CdsHooks:Fhir:Budget", "00:00:01"), ("CdsHooks:Fhir:Timeout", "00:00:00.300"));
}
