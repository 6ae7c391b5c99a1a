using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Samples;
using CrsCdsHooks.Core.Tests.Architecture;
using CrsCdsHooks.Core.Tests.Cards;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Samples;

/// <summary>
/// Every scenario in fhir-samples/ through the whole core (prefetch JSON → reader → graders → screens → plan →
/// cards) at the samples' anchor, against the hand-computed expectations of fhir-samples/expected.json, and its
/// cards against a golden file (Golden/samples/&lt;scenario&gt;.json; UPDATE_GOLDEN=1 rewrites them).
/// </summary>
public sealed class SampleGradingTests
{
    private static readonly string SamplesDir = Path.Combine(CorePurityTests.RepoRoot(), "fhir-samples");

    public static TheoryData<string> ExpectedFiles()
    {
        var data = new TheoryData<string>();
        foreach (var row in Expected().Values) data.Add(row["file"]!.GetValue<string>());
        return data;
    }

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Sample_GradesAsTheIndexSays(string file)
    {
        var expected = Expected()[file];
        var evaluation = Evaluate(file);
        var a = evaluation.Assessment;

        if (!expected["eligible"]!.GetValue<bool>())
        {
            Assert.False(a.Eligible);
            Assert.Equal(expected["cards"]!.GetValue<int>(), evaluation.Response.Cards.Count);
            if (expected["eligibility"] is JsonValue eligibility)
            {
                // The unreadable-infusion card: eligibility undetermined, no grade.
                var extension = Assert.IsType<CdsAssessmentExtension>(Assert.Single(evaluation.Response.Cards).Extension![AssessmentExtension.Key]);
                Assert.Equal(eligibility.GetValue<string>(), extension.Eligibility?.Status);
                Assert.Null(extension.Crs);
            }
            AssertDataIssues(expected, evaluation);
            return;
        }

        Assert.True(a.Eligible);
        Assert.Equal(expected["day"]!.GetValue<int>(), a.Infusion!.Day);
        foreach (var (system, key) in Systems)
        {
            var e = expected[key]!;
            Assert.True(e["grade"]!.GetValue<int>() == a.Current[system].Grade, $"{key} grade: expected {e["grade"]}, got {a.Current[system].Grade} ({string.Join("; ", a.Current[system].Why)})");
            Assert.True(e["upperBound"]!.GetValue<int>() == a.Current[system].UpperBound, $"{key} upper bound: expected {e["upperBound"]}, got {a.Current[system].UpperBound} ({string.Join("; ", a.Current[system].UpperBoundWhy)})");
            Assert.True(e["peak"]!.GetValue<int>() == a.Peak[system], $"{key} peak: expected {e["peak"]}, got {a.Peak[system]}");
        }
        Assert.Equal(expected["feverWaived"]!.GetValue<bool>(), a.FeverWaived);
        Assert.Equal(expected["infection"]!["level"]!.GetValue<string>(), AssessmentExtension.LevelName(evaluation.Infection.Level));
        Assert.Equal(expected["anaphylaxis"]!["level"]!.GetValue<string>(), AssessmentExtension.LevelName(evaluation.Anaphylaxis.Level));
        Assert.Equal(string.Join(",", Reasons(expected["infection"]!)), string.Join(",", evaluation.Infection.Reasons.Order(StringComparer.Ordinal)));
        var anaReasons = string.Join(",", evaluation.Anaphylaxis.Reasons.Order(StringComparer.Ordinal));
        Assert.True(string.Join(",", Reasons(expected["anaphylaxis"]!)) == anaReasons, "anaphylaxis reasons: " + anaReasons);
        Assert.Equal(expected["suggestedDoseMg"]?.GetValue<int>(), evaluation.Tocilizumab.SuggestedDoseMg);
        Assert.Equal(expected["cards"]!.GetValue<int>(), evaluation.Response.Cards.Count);
        if (expected["tocilizumab"] is JsonObject toci)
        {
            Assert.Equal(toci["dosesLast24h"]!.GetValue<int>(), evaluation.Tocilizumab.DosesLast24h);
            Assert.Equal(toci["dosesTotal"]!.GetValue<int>(), evaluation.Tocilizumab.DosesTotal);
        }
        AssertDataIssues(expected, evaluation);
    }

    private static void AssertDataIssues(JsonNode expected, CrsEvaluation evaluation)
    {
        foreach (var issue in expected["dataIssues"]?.AsArray() ?? [])
        {
            var resource = issue!["resource"]!.GetValue<string>();
            var reason = issue["reason"]!.GetValue<string>();
            Assert.True(evaluation.Timeline.Issues.Any(i => i.Resource == resource && i.Reason == reason),
                $"expected data issue {resource} {reason}; got {string.Join(", ", evaluation.Timeline.Issues.Select(i => i.Resource + " " + i.Reason))}");
        }
    }

    [Theory]
    [MemberData(nameof(ExpectedFiles))]
    public void Sample_CardsMatchTheirGoldenFile(string file)
    {
        var evaluation = Evaluate(file);
        var uuids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var card in evaluation.Response.Cards)
        {
            // The full card rules (CRS-SPEC §7, CDS-HOOKS.md), then uuids unique across the whole response.
            CardRules.AssertValid(card);
            Assert.True(uuids.Add(card.Uuid), $"duplicate uuid {card.Uuid}");
            foreach (var s in card.Suggestions ?? []) Assert.True(uuids.Add(s.Uuid), $"duplicate uuid {s.Uuid}");
            Assert.True(card.Extension?.ContainsKey(AssessmentExtension.Key));
        }
        var json = JsonSerializer.Serialize(evaluation.Response, Indented);
        GoldenFile.AssertMatches(Path.Combine("samples", Path.ChangeExtension(file, ".cards.json")), json);
    }

    [Fact]
    public void EverySampleRequest_HasAnExpectation()
    {
        var files = Directory.GetFiles(SamplesDir, "*.json").Select(Path.GetFileName)
            .Where(f => f is not "expected.json" and not "patient-view-minimal.json");
        Assert.Equal(files.Order(StringComparer.Ordinal), Expected().Keys.Order(StringComparer.Ordinal));
    }

    private static readonly JsonSerializerOptions Indented = new(CdsJson.Options) { WriteIndented = true };

    private static readonly (GradingSystem System, string Key)[] Systems =
        [(GradingSystem.Astct2019, "astct2019"), (GradingSystem.Lee2014, "lee2014"), (GradingSystem.CtcaeV5, "ctcae5")];

    private static IEnumerable<string> Reasons(JsonNode finding) =>
        (finding["reasons"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal);

    private static Dictionary<string, JsonNode> Expected() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(SamplesDir, "expected.json")))!.AsArray()
            .ToDictionary(n => n!["file"]!.GetValue<string>(), n => n!, StringComparer.Ordinal);

    /// <summary>Reads a sample request the way the host reads prefetch (entry by entry) and evaluates it at the anchor.</summary>
    internal static CrsEvaluation Evaluate(string file) => EvaluateRequest(File.ReadAllBytes(SamplePath(file)));

    /// <summary>The path of a file in fhir-samples/.</summary>
    internal static string SamplePath(string file) => Path.Combine(SamplesDir, file);

    /// <summary>Evaluates a request (a sample's, perhaps altered by the test) as <see cref="Evaluate"/> does.</summary>
    internal static CrsEvaluation EvaluateRequest(byte[] request)
    {
        using var doc = JsonDocument.Parse(request);
        var root = doc.RootElement;
        var patientId = root.GetProperty("context").GetProperty("patientId").GetString()!;
        var resources = new List<Resource>();
        var issues = new List<DataIssue>();
        foreach (var key in root.GetProperty("prefetch").EnumerateObject())
        {
            if (key.Value.ValueKind == JsonValueKind.Null) continue;
            // The host's rule (CDS-HOOKS.md): the EHR's failed fetch, with no fhirServer to re-query, is reported.
            if (key.Value.TryGetProperty("resourceType", out var type) && type.ValueEquals("OperationOutcome"))
            {
                issues.Add(new DataIssue($"prefetch/{key.Name}", DataIssueReasons.PrefetchFailed));
                continue;
            }
            if (FhirResourceJson.TryRead(key.Value, $"prefetch/{key.Name}", issues) is { } resource) resources.Add(resource);
        }
        var view = new CrsPatientView(new CrsOptions());
        return view.Evaluate(new PatientViewInput(patientId, SampleRequestShifter.Anchor, resources, issues), new SequentialCardIdSource());
    }
}
