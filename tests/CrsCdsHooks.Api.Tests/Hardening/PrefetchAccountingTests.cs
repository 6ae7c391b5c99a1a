using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>Every prefetched resource the service cannot use is reported to the core (and so on the card): none is lost silently.</summary>
public sealed class PrefetchAccountingTests
{
    [Fact]
    public async Task NestedBundleWithSeveralBrokenEntries_ReportsEachOfThem()
    {
        using var host = new ApiHost(null);
        var request = PatientView();
        var first = Temperature("broken-1");
        first["status"] = 42;
        var second = Temperature("broken-2");
        second["subject"] = "Patient/x";
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("good"), Bundle(first, Temperature("nested-good"), second));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issues = host.Evaluator.Input.SourceIssues;
        Assert.All(issues, i => Assert.Equal(DataIssueReasons.NotValidFhir, i.Reason));
        Assert.Contains(issues, i => i.Resource == "Observation/broken-1");
        Assert.Contains(issues, i => i.Resource == "Observation/broken-2");
    }

    [Fact]
    public async Task ObservationMislabelledBundle_IsReported()
    {
        using var host = new ApiHost(null);
        var request = PatientView();
        var mislabelled = Temperature("mislabelled");
        mislabelled["resourceType"] = "Bundle";
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("good"), mislabelled);

        await host.CallAsync(request);

        Assert.Contains(host.Evaluator.Input.SourceIssues, i => i.Resource == "Bundle/mislabelled" && i.Reason == DataIssueReasons.NotValidFhir);
    }
}
