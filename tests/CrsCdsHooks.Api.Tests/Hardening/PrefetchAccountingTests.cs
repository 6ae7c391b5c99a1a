using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Timeline;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>Every prefetched resource the service cannot use is reported to the core (and so on the card): none is lost silently.</summary>
public sealed class PrefetchAccountingTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    /// <summary>
    /// CdsHooks:Fhir:MaxResources bounds the work per key whatever the entries hold: a FHIR server page of junk (here
    /// 300 entries, each invalid or empty) is read up to the cap, then the key is reported truncated — never 300 reads
    /// and 300 issues (a 10 MB page of "{}" entries would otherwise make millions).
    /// </summary>
    [Fact]
    public async Task FhirServerPageOfInvalidEntries_IsReadOnlyUpToTheCapAndSaysTruncated()
    {
        var junk = Enumerable.Range(0, 300).Select(i => i % 2 == 0
            ? (JsonNode)new JsonObject { ["resource"] = new JsonObject { ["resourceType"] = "Observation", ["id"] = $"o{i}" } }
            : new JsonObject()).ToArray();
        var page = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["entry"] = new JsonArray(junk) };
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "laboratory").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(page.ToJsonString()));
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:MaxResources"] = "10" });

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("laboratory"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issues = host.Evaluator.Input.SourceIssues;
        Assert.Equal(10, issues.Count(i => i.Reason == DataIssueReasons.NotValidFhir));
        Assert.Contains(issues, i => i.Resource == "prefetch/laboratory" && i.Reason == DataIssueReasons.Truncated);
    }

    /// <summary>Resources hidden one Bundle down count like the others: 100,000 of them behind a single entry were all read.</summary>
    [Fact]
    public async Task PrefetchWithResourcesNestedInABundleEntry_CountsThemTowardTheLimit()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Limits:MaxResources"] = "20" });
        var request = PatientView();
        request.Prefetch()["laboratory"] = Bundle(Bundle(Enumerable.Range(0, 30).Select(i => Temperature($"t{i}")).ToArray()));

        var response = await host.CallAsync(request);

        await Endpoints.OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.RequestEntityTooLarge, "CdsHooks:Limits:MaxResources");
        Assert.Empty(host.Evaluator.Inputs);
    }

    [Fact]
    public async Task FhirServerPageWithResourcesNestedInABundleEntry_IsReadOnlyUpToTheCap()
    {
        var page = Bundle(Temperature("first"), Bundle(Enumerable.Range(0, 300).Select(i => Temperature($"t{i}")).ToArray()));
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "laboratory").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(page.ToJsonString()));
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:MaxResources"] = "10" });

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("laboratory"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var resources = host.Evaluator.Input.Resources;
        Assert.Contains("Observation/first", host.Evaluator.Input.ResourceIds());
        var read = resources.Sum(r => r is Hl7.Fhir.Model.Bundle b ? b.Entry.Count : 1);
        Assert.True(read <= 10, $"{read} resources read");
        Assert.Contains(host.Evaluator.Input.SourceIssues, i => i.Resource == "prefetch/laboratory" && i.Reason == DataIssueReasons.Truncated);
    }

    [Fact]
    public async Task PrefetchedBundleOfEmptyEntries_IsReadOnlyUpToTheCapAndSaysTruncated()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:MaxResources"] = "10" });
        var request = PatientView();
        request.Prefetch()["laboratory"] = new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "searchset",
            ["entry"] = new JsonArray(Enumerable.Range(0, 300).Select(_ => (JsonNode)new JsonObject()).ToArray()),
        };

        await host.CallAsync(request);

        var issues = host.Evaluator.Input.SourceIssues;
        Assert.Equal(10, issues.Count(i => i.Reason == DataIssueReasons.NotValidFhir));
        Assert.Contains(issues, i => i.Resource == "prefetch/laboratory" && i.Reason == DataIssueReasons.Truncated);
    }
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
