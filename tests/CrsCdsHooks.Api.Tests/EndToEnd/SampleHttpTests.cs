using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>The real app with the real clinical core, on the samples' anchor clock.</summary>
public sealed class RealCoreHost() : ApiHost(null, realEvaluator: true);

/// <summary>The real app with the real core, its clock 40 days, 7 h 13 min after the samples' anchor (a later "now").</summary>
public sealed class LaterClockHost : ApiHost
{
    public static readonly TimeSpan Offset = new(40, 7, 13, 0);

    public LaterClockHost()
        : base(null, realEvaluator: true)
    {
        Now = AsOf + Offset;
    }
}

/// <summary>
/// Every fhir-samples request through HTTP on the real app (endpoint → gatherer → core → cards): the
/// <c>crsCdsHooks.assessment</c> extension of the cards matches fhir-samples/expected.json. Then the same samples with
/// every prefetch key absent, the data served by a FHIR server (WireMock) per query, give the same assessment; and
/// each sample fetched from the Development-only <c>GET /samples/{name}</c> on a later clock (shifted to that "now")
/// is assessed as written, as the README's "Try it" says.
/// </summary>
public sealed class SampleHttpTests(RealCoreHost host, LaterClockHost later) : IClassFixture<RealCoreHost>, IClassFixture<LaterClockHost>
{
    public static TheoryData<string> Files() => SampleExpectations.Files();

    [Fact]
    public void EverySampleRequest_HasAnExpectation()
    {
        Assert.NotEmpty(SampleExpectations.SampleFiles());
        Assert.All(SampleExpectations.SampleFiles(), f => SampleExpectations.Expected(f));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Sample_PostedWithPrefetch_AssessedAsTheIndexSays(string file)
    {
        var response = await CallAsync(SampleExpectations.Request(file));

        SampleExpectations.AssertMatches(file, response);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Sample_QueriedOnTheFhirServer_AssessedTheSameAsPrefetched(string file)
    {
        var request = SampleExpectations.Request(file);
        var prefetched = await CallAsync(request.DeepClone().AsObject());
        using var fhir = FhirServerStub.Start();
        var patientId = request["context"]!["patientId"]!.GetValue<string>();
        ServeSample(fhir, patientId, request["prefetch"]!.AsObject());
        request.Remove("prefetch");
        request["fhirServer"] = fhir.BaseUrl;
        request["fhirAuthorization"] = HookRequests.Authorization();

        var fetched = await CallAsync(request);

        // The EHR's failed fetch (an OperationOutcome in place of a key) is, on a FHIR server, a failed query.
        SampleExpectations.AssertMatches(file, fetched, issue => issue.Reason == "prefetch-failed" ? (issue.Resource, "data-unavailable") : issue);
        AssertSameAssessments(prefetched, fetched, file);
        Assert.Equal(SevenKeyQueries, fhir.Requests.Count);
        Assert.All(fhir.Requests, r => Assert.Equal("Bearer " + HookRequests.AccessToken, Header(r, "Authorization")));
    }

    /// <summary>A FHIR server that pages: every searchset is split into pages of 7 entries linked by next.</summary>
    [Theory]
    [InlineData("astct-grade4-two-vasopressors.json")]
    [InlineData("crs-with-bacteraemia.json")]
    [InlineData("tocilizumab-limit-three-doses-24h.json")]
    [InlineData("noise-data-issues.json")]
    public async Task Sample_QueriedOnAPagingFhirServer_AssessedTheSameAsPrefetched(string file)
    {
        var request = SampleExpectations.Request(file);
        var prefetched = await CallAsync(request.DeepClone().AsObject());
        using var fhir = FhirServerStub.Start();
        var prefetch = request["prefetch"]!.AsObject();
        ServeSample(fhir, request["context"]!["patientId"]!.GetValue<string>(), prefetch, pageSize: 7);
        request.Remove("prefetch");
        request["fhirServer"] = fhir.BaseUrl;
        request["fhirAuthorization"] = HookRequests.Authorization();

        var fetched = await CallAsync(request);

        SampleExpectations.AssertMatches(file, fetched, issue => issue.Reason == "prefetch-failed" ? (issue.Resource, "data-unavailable") : issue);
        AssertSameAssessments(prefetched, fetched, file);
        Assert.True(fhir.RequestsTo("/fhir/page/").Count > 0, "the server was expected to page");
        Assert.All(fhir.Requests, r => Assert.Equal("Bearer " + HookRequests.AccessToken, Header(r, "Authorization")));
        Assert.DoesNotContain(SampleExpectations.DataIssues(SampleExpectations.Assessments(fetched)[0]), i => i.Reason == "data-truncated");
    }

    [Fact]
    public async Task NoiseSample_OperationOutcomeInPlaceOfAllergies_ReportedAsAFailedPrefetch()
    {
        var response = await CallAsync(SampleExpectations.Request("noise-data-issues.json"));

        var assessment = SampleExpectations.Assessments(response)[0];
        Assert.Contains(("prefetch/allergies", "prefetch-failed"), SampleExpectations.DataIssues(assessment));
    }

    [Fact]
    public async Task NoiseSample_AllergyQueryRefused_ReportedAsUnavailable_AndStillGraded()
    {
        var request = SampleExpectations.Request("noise-data-issues.json");
        using var fhir = FhirServerStub.Start();
        ServeSample(fhir, request["context"]!["patientId"]!.GetValue<string>(), request["prefetch"]!.AsObject());
        request.Remove("prefetch");
        request["fhirServer"] = fhir.BaseUrl;
        request["fhirAuthorization"] = HookRequests.Authorization();

        var response = await CallAsync(request);

        var assessment = SampleExpectations.Assessments(response)[0];
        Assert.Contains(("prefetch/allergies", "data-unavailable"), SampleExpectations.DataIssues(assessment));
        Assert.Equal(1, assessment["crs"]!["current"]!["astct2019"]!["grade"]!.GetValue<int>());
        Assert.Single(fhir.RequestsTo("/fhir/AllergyIntolerance"));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Sample_FromSamplesEndpointOnALaterClock_ShiftedAndAssessedAsTheIndexSays(string file)
    {
        var shifted = await later.CreateClient().GetStringAsync(new Uri("/samples/" + Path.GetFileNameWithoutExtension(file), UriKind.Relative));

        using var response = await later.PostJsonAsync(ApiHost.ServicePath, shifted);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!.AsObject();
        SampleExpectations.AssertMatches(file, json);
        Assert.All(SampleExpectations.Assessments(json), a => Assert.Equal(later.Now, a["asOf"]!.GetValue<DateTimeOffset>()));
    }

    [Fact]
    public async Task Sample_PostedAsWrittenOnALaterClock_LiesInThePast_NoCards()
    {
        using var response = await later.CallAsync(SampleExpectations.Request("astct-grade2-hypotension.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["cards"]!.AsArray());
    }

    public static TheoryData<string, string, string> DisagreementsBySystem()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var file in SampleExpectations.SampleFiles().Where(f => f.StartsWith("disagree-", StringComparison.Ordinal)))
        {
            data.Add(file, "astct2019", "ASTCT 2019");
            data.Add(file, "lee2014", "Lee 2014");
            data.Add(file, "ctcae5", "CTCAE v5.0");
        }
        return data;
    }

    /// <summary>Where the systems disagree, the request extension chooses which grade leads the card.</summary>
    [Theory]
    [MemberData(nameof(DisagreementsBySystem))]
    public async Task Disagreement_PrimarySystemChosenByTheRequest_LeadsTheCard(string file, string system, string name)
    {
        var request = SampleExpectations.Request(file);
        request["extension"] = new JsonObject { ["crsCdsHooks.primarySystem"] = system };

        var response = await CallAsync(request);

        var grade = SampleExpectations.Expected(file)[system]!["grade"]!.GetValue<int>();
        var card = response["cards"]!.AsArray().First(c => c!["summary"]!.GetValue<string>().StartsWith("CRS ", StringComparison.Ordinal))!;
        Assert.StartsWith($"CRS grade {grade} ({name})", card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        var assessment = SampleExpectations.Assessments(response)[0];
        Assert.Equal(system, assessment["crs"]!["primarySystem"]!.GetValue<string>());
        // The three grades do not depend on which one leads (the tocilizumab suggestion does: it follows the primary).
        foreach (var each in new[] { "astct2019", "lee2014", "ctcae5" })
            Assert.Equal(SampleExpectations.Expected(file)[each]!["grade"]!.GetValue<int>(), assessment["crs"]!["current"]![each]!["grade"]!.GetValue<int>());
    }

    private const int SevenKeyQueries = 7;

    private async Task<JsonObject> CallAsync(JsonObject request)
    {
        using var response = await host.CallAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>
    /// The FHIR server answers each of the seven queries the host builds from the prefetch templates with what the
    /// sample prefetched for that key (stubbed by path, and category for Observations; other query parameters such
    /// as the date bound are ignored). A key prefetched as <c>null</c> is an empty searchset; a key prefetched as an
    /// OperationOutcome is a refused query (403 with that OperationOutcome: the token lacks the scope).
    /// </summary>
    private static void ServeSample(FhirServerStub fhir, string patientId, JsonObject prefetch, int? pageSize = null)
    {
        fhir.Server.ResetMappings();
        fhir.Server.Given(Request.Create().WithPath("/fhir/*")).AtPriority(100)
            .RespondWith(Response.Create().WithStatusCode(404).WithBody("not a query of the sample"));
        foreach (var (key, path, category) in Queries(patientId))
        {
            var value = prefetch[key];
            var request = Request.Create().WithPath(path).UsingGet();
            if (category is not null) request = request.WithParam("category", category);
            var isOutcome = value?["resourceType"]?.GetValue<string>() == "OperationOutcome";
            var pages = pageSize is { } size && value?["resourceType"]?.GetValue<string>() == "Bundle"
                ? Pages(fhir, key, value.AsObject(), size)
                : [value ?? HookRequests.Bundle()];
            fhir.Server.Given(request).AtPriority(10).RespondWith(Response.Create()
                .WithStatusCode(isOutcome ? 403 : 200)
                .WithHeader("Content-Type", "application/fhir+json")
                .WithBody(pages[0].ToJsonString()));
            for (var i = 1; i < pages.Count; i++)
            {
                fhir.Server.Given(Request.Create().WithPath($"/fhir/page/{key}/{i}").UsingGet()).AtPriority(5).RespondWith(Response.Create()
                    .WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(pages[i].ToJsonString()));
            }
        }
    }

    /// <summary>The Bundle's entries in pages of <paramref name="size"/>, each page but the last linking the next (absolute URL).</summary>
    private static List<JsonNode> Pages(FhirServerStub fhir, string key, JsonObject bundle, int size)
    {
        var entries = bundle["entry"]?.AsArray().Select(e => e!.DeepClone()).ToList() ?? [];
        var chunks = entries.Chunk(size).ToList();
        if (chunks.Count <= 1) return [bundle];
        var pages = new List<JsonNode>();
        for (var i = 0; i < chunks.Count; i++)
        {
            var page = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["total"] = entries.Count, ["entry"] = new JsonArray(chunks[i]) };
            if (i + 1 < chunks.Count)
                page["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = $"{fhir.BaseUrl}/page/{key}/{i + 1}" });
            pages.Add(page);
        }
        return pages;
    }

    /// <summary>The key → path (and Observation category) of the discovery document's prefetch templates.</summary>
    private static IEnumerable<(string Key, string Path, string? Category)> Queries(string patientId) =>
    [
        ("patient", $"/fhir/Patient/{patientId}", null),
        ("vitalSigns", "/fhir/Observation", "vital-signs"),
        ("laboratory", "/fhir/Observation", "laboratory"),
        ("medicationAdministrations", "/fhir/MedicationAdministration", null),
        ("procedures", "/fhir/Procedure", null),
        ("conditions", "/fhir/Condition", null),
        ("allergies", "/fhir/AllergyIntolerance", null),
    ];

    /// <summary>Everything but the data issues (whose locations name where the data came from) is the same.</summary>
    private static void AssertSameAssessments(JsonObject prefetched, JsonObject fetched, string file)
    {
        var a = SampleExpectations.Assessments(prefetched).Select(Clinical).ToList();
        var b = SampleExpectations.Assessments(fetched).Select(Clinical).ToList();
        Assert.Equal(a.Count, b.Count);
        for (var i = 0; i < a.Count; i++)
            Assert.True(JsonNode.DeepEquals(a[i], b[i]), $"{file}: prefetched {a[i].ToJsonString()}\nfetched {b[i].ToJsonString()}");
        Assert.Equal(
            prefetched["cards"]!.AsArray().Select(c => c!["summary"]!.GetValue<string>()),
            fetched["cards"]!.AsArray().Select(c => c!["summary"]!.GetValue<string>()));
    }

    private static JsonObject Clinical(JsonObject assessment)
    {
        var copy = assessment.DeepClone().AsObject();
        copy.Remove("dataIssues");
        return copy;
    }

    private static string? Header(WireMock.Logging.ILogEntry entry, string name) =>
        entry.RequestMessage?.Headers?.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value?.ToString();
}
