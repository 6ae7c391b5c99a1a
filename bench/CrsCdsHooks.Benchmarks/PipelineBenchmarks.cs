using System.Text.Json;

using BenchmarkDotNet.Attributes;

using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.FhirServer;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Timeline;
using CrsCdsHooks.Workloads;

using Hl7.Fhir.Model;

using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Benchmarks;

/// <summary>
/// Issue 7's benchmarks, per workload (W1 typical, W2 heavy). The floor (a) is the baseline, so the Ratio column of
/// every other row is its cost in multiples of reading the request bytes once; (b)/(a) is the Pipeline row's ratio.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SuiteConfig))]
public class PipelineBenchmarks
{
    private PipelineHost _host = null!;
    private byte[] _request = null!;
    private JsonDocument _document = null!;
    private CdsServiceRequest _parsed = null!;
    private PatientDataGatherer _gatherer = null!;
    private IReadOnlyList<Resource> _resources = null!;
    private IReadOnlyList<DataIssue> _sourceIssues = null!;
    private DateTimeOffset _asOf;
    private string _patientId = null!;
    private readonly CrsOptions _options = new();
    private ClinicalTimeline _timeline = null!;
    private CrsAssessment _assessment = null!;
    private DifferentialFinding _infection = null!;
    private DifferentialFinding _anaphylaxis = null!;
    private ManagementPlan _plan = null!;

    [Params(Workload.W1, Workload.W2)]
    public Workload Workload { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _host = new PipelineHost();
        _asOf = TimeProvider.System.GetUtcNow();
        var data = WorkloadGenerator.Generate(Workload, _asOf);
        _patientId = data.PatientId;
        _request = data.Request();
        _document = JsonDocument.Parse(_request);
        _parsed = CdsServiceRequestReader.TryRead(_document.RootElement, Api.CdsHooks.CdsServiceCatalog.Find(PipelineHost.ServiceId)!, out var problems)
                  ?? throw new InvalidOperationException(string.Join(" ", problems));
        _gatherer = _host.Services.GetRequiredService<PatientDataGatherer>();
        var gathered = _gatherer.GatherAsync(_parsed, _asOf, CancellationToken.None).GetAwaiter().GetResult();
        _resources = gathered.Resources;
        _sourceIssues = gathered.Issues;

        var read = FhirTimelineReader.Read(_patientId, _asOf, _resources);
        _timeline = _sourceIssues.Count == 0 ? read : read with { Issues = [.. _sourceIssues, .. read.Issues] };
        _assessment = CrsGrader.Grade(_timeline, _asOf, _options, _options.PrimarySystem);
        _infection = SepsisScreen.Screen(_timeline, _assessment);
        _anaphylaxis = AnaphylaxisScreen.Screen(_timeline, _assessment, _options);
        _plan = ManagementPlanner.Plan(_patientId, _timeline, _assessment, new SequentialCardIdSource());

        var (status, body) = _host.CallAsync(_request).GetAwaiter().GetResult();
        using var response = JsonDocument.Parse(body.ToArray());
        var cards = response.RootElement.GetProperty("cards").GetArrayLength();
        Console.WriteLine($"// {Workload}: {data.ResourceCount} resources, {_request.Length:N0} request bytes -> HTTP {status}, {cards} card(s), {body.Length:N0} response bytes; "
                          + $"{_resources.Count} materialised, {_timeline.Issues.Count} data issue(s); ASTCT grade {_assessment.PrimaryGrade?.Grade}");
        if (status != 200 || cards == 0) throw new InvalidOperationException("the workload must produce cards");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _document.Dispose();
        _host.Dispose();
    }

    /// <summary>(a) The floor: the request bytes read once.</summary>
    [Benchmark(Baseline = true, Description = "(a) floor: JsonDocument.Parse(request)")]
    public int Floor()
    {
        using var document = JsonDocument.Parse(_request);
        return document.RootElement.GetPropertyCount();
    }

    /// <summary>(b) The whole call in process: body → request → gather → evaluate → response bytes.</summary>
    [Benchmark(Description = "(b) pipeline: request bytes -> response bytes")]
    public async Task<long> Pipeline()
    {
        var (_, body) = await _host.CallAsync(_request);
        return body.Length;
    }

    /// <summary>Where (b) goes first: the prefetch turned into Firely resources, entry by entry (the gatherer).</summary>
    [Benchmark(Description = "gather: prefetch JSON -> Firely resources")]
    public async Task<int> Gather()
    {
        var data = await _gatherer.GatherAsync(_parsed, _asOf, CancellationToken.None);
        return data.Resources.Count;
    }

    /// <summary>(c) Reading the timeline and grading, from resources already materialised.</summary>
    [Benchmark(Description = "(c) read timeline + grade")]
    public int ReadAndGrade()
    {
        var timeline = FhirTimelineReader.Read(_patientId, _asOf, _resources);
        var assessment = CrsGrader.Grade(timeline, _asOf, _options, _options.PrimarySystem);
        return assessment.PrimaryGrade?.Grade ?? -1;
    }

    /// <summary>(d) Card building from a graded, screened and planned patient (what CrsPatientView does after the screens).</summary>
    [Benchmark(Description = "(d) build cards")]
    public int BuildCards()
    {
        var ids = new SequentialCardIdSource();
        var extension = AssessmentExtension.Build(_assessment, _infection, _anaphylaxis, _plan.Tocilizumab, _timeline.Issues);
        var onCard = AssessmentExtension.ToCardExtension(extension);
        var cards = new List<CdsCard>(3) { CrsCardBuilder.Build(_assessment, _timeline, _infection, _anaphylaxis, _plan, ids, extension) };
        if (InfectionCardBuilder.Build(_infection, _assessment, _timeline, _patientId, onCard, ids) is { } infection) cards.Add(infection);
        if (AnaphylaxisCardBuilder.Build(_anaphylaxis, _assessment, _timeline, _patientId, onCard, ids) is { } anaphylaxis) cards.Add(anaphylaxis);
        return cards.Count;
    }
}
