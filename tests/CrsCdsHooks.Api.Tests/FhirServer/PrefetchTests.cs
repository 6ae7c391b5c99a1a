using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Timeline;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>
/// The prefetch table of CDS-HOOKS.md, case by case, with WireMock as the EHR's FHIR server: what is fetched, with
/// which token, what is not, and what the core is told about data that could not be had.
/// </summary>
public sealed class PrefetchTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    [Fact]
    public async Task AbsentKey_IsFetchedFromFhirServerWithTheBearerToken()
    {
        _fhir.ServesVitalSigns(Bundle(Temperature("fetched-temp")));
        using var host = Host();

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Observation/fetched-temp", host.Evaluator.Input.ResourceIds());
        var query = Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
        Assert.Equal($"Bearer {AccessToken}", query.RequestMessage!.Headers!["Authorization"].Single());
        Assert.Contains("application/fhir+json", query.RequestMessage.Headers["Accept"].Single(), StringComparison.Ordinal);
        var url = Uri.UnescapeDataString(query.RequestMessage.Url);
        Assert.Contains($"patient={PatientId}", url, StringComparison.Ordinal);
        Assert.Contains("category=vital-signs", url, StringComparison.Ordinal);
        Assert.Contains("_sort=-date", url, StringComparison.Ordinal);
        Assert.Contains("_count=500", url, StringComparison.Ordinal);
        Assert.Contains("date=ge2025-05-15", url, StringComparison.Ordinal); // asOf 2025-06-15 − 30 days − 1 day
        Assert.Single(_fhir.Requests); // nothing else fetched
    }

    [Fact]
    public async Task AbsentMedicationAdministrations_AreQueriedWithTheirMedicationsAndAnEffectiveTimeBound()
    {
        _fhir.ServesMedicationAdministrations(Bundle(CarTInfusion("fetched-cart")));
        using var host = Host();

        await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("medicationAdministrations"));

        var url = Uri.UnescapeDataString(Assert.Single(_fhir.RequestsTo("/fhir/MedicationAdministration")).RequestMessage!.Url);
        Assert.Contains("_include=MedicationAdministration:medication", url, StringComparison.Ordinal);
        Assert.Contains("_sort=-effective-time", url, StringComparison.Ordinal);
        Assert.Contains("effective-time=ge2025-05-15", url, StringComparison.Ordinal);
        Assert.Contains("MedicationAdministration/fetched-cart", host.Evaluator.Input.ResourceIds());
    }

    [Fact]
    public async Task AbsentPatient_IsReadById()
    {
        using var host = Host();

        await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("patient"));

        Assert.Single(_fhir.RequestsTo($"/fhir/Patient/{PatientId}"));
        Assert.Contains($"Patient/{PatientId}", host.Evaluator.Input.ResourceIds());
    }

    [Fact]
    public async Task AbsentKey_WithoutFhirAuthorization_IsFetchedWithoutAToken()
    {
        using var host = Host();

        await host.CallAsync(PatientView(_fhir.BaseUrl).WithoutPrefetch("conditions"));

        var query = Assert.Single(_fhir.RequestsTo("/fhir/Condition"));
        Assert.False(query.RequestMessage!.Headers!.ContainsKey("Authorization"));
        Assert.DoesNotContain("date=ge", query.RequestMessage.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NullKey_IsNoDataAndIsNotQueried()
    {
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["laboratory"] = null;
        request.Prefetch()["allergies"] = null;

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_fhir.Requests);
        Assert.Empty(host.Evaluator.Input.SourceIssues);
    }

    [Fact]
    public async Task NullCriticalKey_IsNoDataNotA412()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["vitalSigns"] = null;

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OperationOutcomeInsteadOfBundle_IsQueriedAgain()
    {
        _fhir.ServesVitalSigns(Bundle(Temperature("requeried-temp")));
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = OperationOutcome();

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
        Assert.Contains("Observation/requeried-temp", host.Evaluator.Input.ResourceIds());
        Assert.Empty(host.Evaluator.Input.SourceIssues);
    }

    [Fact]
    public async Task ErrorOutcomeAsABundleEntry_IsQueriedAgainAndReplacesThePartialPrefetch()
    {
        _fhir.ServesVitalSigns(Bundle(Temperature("requeried-temp"), Temperature("temp-1")));
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("temp-1"), OperationOutcome("error"));

        await host.CallAsync(request);

        Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
        var ids = host.Evaluator.Input.ResourceIds();
        Assert.Equal(1, ids.Count(i => i == "Observation/temp-1"));
        Assert.Contains("Observation/requeried-temp", ids);
    }

    [Fact]
    public async Task WarningOutcomeAsABundleEntry_IsNotAFailure()
    {
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("temp-1"), OperationOutcome("warning"));

        await host.CallAsync(request);

        Assert.Empty(_fhir.Requests);
        Assert.Contains("Observation/temp-1", host.Evaluator.Input.ResourceIds());
        Assert.DoesNotContain(host.Evaluator.Input.Resources, r => r.TypeName == "OperationOutcome");
    }

    [Fact]
    public async Task OperationOutcome_NoFhirServer_NonCriticalKey_AnswersAndSaysSo()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["laboratory"] = OperationOutcome();

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(new DataIssue("prefetch/laboratory", DataIssueReasons.PrefetchFailed, issue.Detail), issue);
    }

    [Fact]
    public async Task OperationOutcome_NoFhirServer_CriticalKey_Is412()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["medicationAdministrations"] = OperationOutcome();

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "'medicationAdministrations'");
        Assert.Empty(host.Evaluator.Inputs);
    }

    [Fact]
    public async Task PartialPrefetchWithErrorOutcome_RequeryFails_KeepsWhatCameAndSaysSo()
    {
        _fhir.FailsVitalSigns(500);
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("temp-1"), OperationOutcome("fatal"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Observation/temp-1", host.Evaluator.Input.ResourceIds());
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/vitalSigns", DataIssueReasons.PrefetchFailed), (issue.Resource, issue.Reason));
        Assert.Contains("HTTP 500", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrefetchedBundleWithNextLink_IsPagedWithTheToken()
    {
        _fhir.ServesPage("/fhir/page/2", BundleWithNext($"{_fhir.BaseUrl}/page/3", Temperature("temp-2")))
             .ServesPage("/fhir/page/3", Bundle(Temperature("temp-3")));
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = host.Evaluator.Input.ResourceIds();
        Assert.Contains("Observation/temp-1", ids);
        Assert.Contains("Observation/temp-2", ids);
        Assert.Contains("Observation/temp-3", ids);
        Assert.All(_fhir.RequestsTo("/fhir/page/"), e => Assert.Equal($"Bearer {AccessToken}", e.RequestMessage!.Headers!["Authorization"].Single()));
        Assert.Empty(host.Evaluator.Input.SourceIssues);
    }

    [Fact]
    public async Task FetchedSearchWithNextLink_IsPaged()
    {
        _fhir.ServesVitalSigns(BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1")))
             .ServesPage("/fhir/page/2", Bundle(Temperature("temp-2")));
        using var host = Host();

        await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Contains("Observation/temp-2", host.Evaluator.Input.ResourceIds());
    }

    [Fact]
    public async Task RelativeNextLink_IsResolvedAgainstFhirServer()
    {
        _fhir.ServesPage("/fhir/page/2", Bundle(Temperature("temp-2")));
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext("page/2", Temperature("temp-1"));

        await host.CallAsync(request);

        Assert.Contains("Observation/temp-2", host.Evaluator.Input.ResourceIds());
    }

    [Fact]
    public async Task NextLinkToAnotherHost_IsNeverFollowedAndTheTokenNeverLeaves()
    {
        using var elsewhere = FhirServerStub.Start();
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{elsewhere.BaseUrl}/page/2", Temperature("temp-1"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(elsewhere.Requests);
        Assert.Contains("Observation/temp-1", host.Evaluator.Input.ResourceIds());
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/vitalSigns", DataIssueReasons.Truncated), (issue.Resource, issue.Reason));
        Assert.Contains("outside", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextLinkOutsideTheFhirServerBasePath_IsNotFollowed()
    {
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.Origin}/admin/export", Temperature("temp-1"));

        await host.CallAsync(request);

        Assert.Empty(_fhir.Requests);
        Assert.Equal(DataIssueReasons.Truncated, Assert.Single(host.Evaluator.Input.SourceIssues).Reason);
    }

    [Fact]
    public async Task NextLinkWithoutFhirServer_IsNotFollowedAndSaysSo()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(_fhir.Requests);
        Assert.Contains("no fhirServer", Assert.Single(host.Evaluator.Input.SourceIssues).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PagingLoop_IsStoppedAndSaysSo()
    {
        _fhir.ServesPage("/fhir/page/2", BundleWithNext($"{_fhir.BaseUrl}/page/3", Temperature("temp-2")))
             .ServesPage("/fhir/page/3", BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-3")));
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fhir.RequestsTo("/fhir/page/2"));
        Assert.Single(_fhir.RequestsTo("/fhir/page/3"));
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(DataIssueReasons.Truncated, issue.Reason);
        Assert.Contains("loop", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PageCap_StopsPagingAndTheCoreIsToldTheDataIsTruncated()
    {
        _fhir.ServesPage("/fhir/page/2", BundleWithNext($"{_fhir.BaseUrl}/page/3", Temperature("temp-2")))
             .ServesPage("/fhir/page/3", Bundle(Temperature("temp-3")));
        using var host = Host(("CdsHooks:Fhir:MaxPages", "2"));
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"));

        await host.CallAsync(request);

        Assert.Empty(_fhir.RequestsTo("/fhir/page/3"));
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/vitalSigns", DataIssueReasons.Truncated), (issue.Resource, issue.Reason));
        Assert.Contains("CdsHooks:Fhir:MaxPages", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceCap_KeepsTheFirstResourcesAndTheCoreIsToldTheDataIsTruncated()
    {
        using var host = Host(("CdsHooks:Fhir:MaxResources", "2"));
        var request = PatientView();
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("temp-1"), Temperature("temp-2"), Temperature("temp-3"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var ids = host.Evaluator.Input.ResourceIds();
        Assert.Contains("Observation/temp-1", ids);
        Assert.Contains("Observation/temp-2", ids);
        Assert.DoesNotContain("Observation/temp-3", ids);
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/vitalSigns", DataIssueReasons.Truncated), (issue.Resource, issue.Reason));
        Assert.Contains("CdsHooks:Fhir:MaxResources", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourceCapReachedWithMorePages_DoesNotFetchThem()
    {
        _fhir.ServesPage("/fhir/page/2", Bundle(Temperature("temp-3")));
        using var host = Host(("CdsHooks:Fhir:MaxResources", "2"));
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"), Temperature("temp-2"));

        await host.CallAsync(request);

        Assert.Empty(_fhir.Requests);
        Assert.Equal(DataIssueReasons.Truncated, Assert.Single(host.Evaluator.Input.SourceIssues).Reason);
    }

    [Fact]
    public async Task LaterPageFails_UsesTheEarlierPagesAndIsNever412()
    {
        _fhir.FailsPage("/fhir/page/2", 500);
        using var host = Host();
        var request = PatientView(_fhir.BaseUrl, AccessToken);
        request.Prefetch()["vitalSigns"] = BundleWithNext($"{_fhir.BaseUrl}/page/2", Temperature("temp-1"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Observation/temp-1", host.Evaluator.Input.ResourceIds());
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(DataIssueReasons.Truncated, issue.Reason);
        Assert.Contains("page 2 failed (HTTP 500)", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TransientFailure_IsRetried()
    {
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").UsingGet()).InScenario("flaky").WillSetStateTo("recovered").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(503));
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").UsingGet()).InScenario("flaky").WhenStateIs("recovered").AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(Bundle(Temperature("after-retry")).ToJsonString()));
        using var host = Host();

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _fhir.RequestsTo("/fhir/Observation").Count);
        Assert.Contains("Observation/after-retry", host.Evaluator.Input.ResourceIds());
    }

    [Fact]
    public async Task NotFoundIsNotRetried()
    {
        _fhir.FailsVitalSigns(404);
        using var host = Host();

        await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
    }

    [Fact]
    public async Task CriticalKeysAbsentAndNoFhirServer_Is412NamingEachKey()
    {
        using var host = Host();
        var request = PatientView().WithoutPrefetch("patient", "vitalSigns", "medicationAdministrations");

        var response = await host.CallAsync(request);

        var texts = await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.PreconditionFailed);
        Assert.Equal(3, texts.Count);
        Assert.Contains(texts, t => t.Contains("'patient'", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("'vitalSigns'", StringComparison.Ordinal));
        Assert.Contains(texts, t => t.Contains("'medicationAdministrations'", StringComparison.Ordinal));
        Assert.All(texts, t => Assert.Contains("send fhirServer", t, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OnlyNonCriticalKeysMissing_Answers200AndTellsTheCoreWhatIsMissing()
    {
        using var host = Host();
        var request = PatientView().WithoutPrefetch("laboratory", "procedures", "conditions", "allergies");

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issues = host.Evaluator.Input.SourceIssues;
        Assert.Equal(4, issues.Count);
        Assert.All(issues, i => Assert.Equal(DataIssueReasons.Unavailable, i.Reason));
        Assert.Equal(["prefetch/allergies", "prefetch/conditions", "prefetch/laboratory", "prefetch/procedures"], issues.Select(i => i.Resource).Order());
    }

    /// <summary>
    /// A routine call logs two lines at Information (called, evaluated); a key's own line joins them only when the key
    /// needed the FHIR server, was missing, truncated or had issues — under load the per-key lines of clean prefetch
    /// were most of the log and cost about a tenth of the throughput at 16 clients.
    /// </summary>
    [Fact]
    public async Task KeyLines_AreInformationOnlyForKeysThatNeededAttention()
    {
        using var host = Host();

        await host.CallAsync(PatientView().WithoutPrefetch("procedures"));

        var keyLines = host.Logs.Entries.Where(e => e.EventId == 3 && e.Category.EndsWith("PatientDataGatherer", StringComparison.Ordinal)).ToList();
        var information = keyLines.Where(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Information).Select(e => e.Text).ToList();
        var line = Assert.Single(information);
        Assert.Contains("key procedures: absent, no fhirServer", line, StringComparison.Ordinal);
        Assert.All(keyLines.Where(e => !e.Text.Contains("key procedures", StringComparison.Ordinal)), e => Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, e.Level));
    }

    [Fact]
    public async Task NonCriticalKeyFetchFails_Answers200AndSaysSo()
    {
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Condition").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(403));
        using var host = Host();

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("conditions"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/conditions", DataIssueReasons.Unavailable), (issue.Resource, issue.Reason));
        Assert.Contains("HTTP 403", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResourcesOfAnotherPatient_ArePassedToTheCoreWhichReportsThem()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("mine"), Temperature("theirs", patientId: "someone-else"));

        await host.CallAsync(request);

        Assert.Contains("Observation/theirs", host.Evaluator.Input.ResourceIds());
        Assert.Equal(PatientId, host.Evaluator.Input.PatientId);
    }

    [Fact]
    public async Task CriticalKeyHoldingOnlyTheWrongResourceType_Is412SayingWhatItHolds()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["medicationAdministrations"] = Bundle(Temperature("misfiled-1"), Temperature("misfiled-2"));

        var response = await host.CallAsync(request);

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "'medicationAdministrations'");
        Assert.Contains("2 Observation but no MedicationAdministration", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PatientKeyHoldingAnotherPatient_Is412_AndNamesNoIdentifier()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["patient"] = Patient("someone-else");

        var response = await host.CallAsync(request);

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "a Patient other than context.patientId");
        Assert.DoesNotContain("someone-else", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptionalKeyHoldingOnlyTheWrongResourceType_IsUsedAndReportedAsUnavailable()
    {
        using var host = Host();
        var request = PatientView();
        request.Prefetch()["conditions"] = Bundle(Temperature("misfiled"));

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Observation/misfiled", host.Evaluator.Input.ResourceIds());
        var issue = Assert.Single(host.Evaluator.Input.SourceIssues);
        Assert.Equal(("prefetch/conditions", DataIssueReasons.Unavailable), (issue.Resource, issue.Reason));
        Assert.Contains("no Condition", issue.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MedicationAdministrationsWithTheirIncludedMedications_AreNotWrongContent()
    {
        using var host = Host();
        var request = PatientView();
        var medication = new JsonObject { ["resourceType"] = "Medication", ["id"] = "m-1", ["code"] = new JsonObject { ["text"] = "axicabtagene ciloleucel" } };
        request.Prefetch()["medicationAdministrations"] = Bundle(CarTInfusion("inf-1"), medication);

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(host.Evaluator.Input.SourceIssues);
    }

    [Fact]
    public async Task InvalidEntry_CostsOnlyItselfAndIsReported()
    {
        using var host = Host();
        var request = PatientView();
        var broken = Temperature("broken");
        broken["status"] = 42;
        request.Prefetch()["vitalSigns"] = Bundle(Temperature("good"), broken);

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Observation/good", host.Evaluator.Input.ResourceIds());
        Assert.DoesNotContain("Observation/broken", host.Evaluator.Input.ResourceIds());
        Assert.Equal(DataIssueReasons.NotValidFhir, Assert.Single(host.Evaluator.Input.SourceIssues).Reason);
    }

    [Fact]
    public async Task AsOf_IsTheInjectedClock()
    {
        using var host = Host();

        await host.CallAsync(PatientView());

        Assert.Equal(ApiHost.AsOf, host.Evaluator.Input.AsOf);
    }

    internal static ApiHost Host(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["CdsHooks:Fhir:Budget"] = "00:00:10",
            ["CdsHooks:Fhir:Timeout"] = "00:00:05",
        };
        foreach (var (key, value) in settings) all[key] = value;
        return new ApiHost(all);
    }
}
