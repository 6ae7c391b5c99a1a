using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// fhir-samples/ and their hand-computed expectations (fhir-samples/expected.json), and the check of a service
/// response's <c>crsCdsHooks.assessment</c> card extension against one expectation.
/// </summary>
internal static class SampleExpectations
{
    public const string ExtensionKey = "crsCdsHooks.assessment";

    private static readonly string[] Systems = ["astct2019", "lee2014", "ctcae5"];

    private static readonly Lazy<Dictionary<string, JsonObject>> s_expected = new(() =>
        JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("fhir-samples", "expected.json")))!.AsArray()
            .Select(n => n!.AsObject())
            .ToDictionary(n => n["file"]!.GetValue<string>(), StringComparer.Ordinal));

    /// <summary>Every sample request file (every fhir-samples/*.json except expected.json).</summary>
    public static IReadOnlyList<string> SampleFiles() =>
        Directory.GetFiles(RepositoryFiles.PathOf("fhir-samples"), "*.json")
            .Select(f => Path.GetFileName(f))
            .Where(f => f != "expected.json")
            .Order(StringComparer.Ordinal)
            .ToList();

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in SampleFiles()) data.Add(file);
        return data;
    }

    public static JsonObject Expected(string file) =>
        s_expected.Value.TryGetValue(file, out var expected)
            ? expected
            : throw new InvalidOperationException($"fhir-samples/expected.json has no entry for {file}");

    public static JsonObject Request(string file) =>
        JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("fhir-samples", file)))!.AsObject();

    /// <summary>The assessment extension of every card (each card carries the same one).</summary>
    public static IReadOnlyList<JsonObject> Assessments(JsonObject response) =>
        response["cards"]!.AsArray().Select(c => c!["extension"]?[ExtensionKey]?.AsObject()
            ?? throw new Xunit.Sdk.XunitException($"card '{c!["summary"]}' has no {ExtensionKey} extension")).ToList();

    /// <summary>
    /// Checks a response against the sample's expectation: eligibility (no cards when not eligible, the unreadable-infusion
    /// card's eligibility status when undetermined), number of
    /// cards, day after infusion, per system grade / upper bound / peak, feverWaived, infection and anaphylaxis level
    /// and reasons, tocilizumab suggested dose and dose counts, and every listed data issue.
    /// </summary>
    /// <param name="expectedIssue">Maps an expected data issue (resource, reason) to the one this path reports.</param>
    public static void AssertMatches(string file, JsonObject response, Func<(string Resource, string Reason), (string Resource, string Reason)>? expectedIssue = null)
    {
        var expected = Expected(file);
        var cards = response["cards"]!.AsArray();
        Assert.True(expected["cards"]!.GetValue<int>() == cards.Count,
            $"{file}: expected {expected["cards"]} card(s), got {cards.Count}: {string.Join(" | ", cards.Select(c => c!["summary"]))}");
        if (!expected["eligible"]!.GetValue<bool>())
        {
            // Not eligible on the record: no card, or the unreadable-infusion card (eligibility undetermined).
            if (expected["eligibility"] is not JsonValue eligibility) return;
            var unreadable = Assert.Single(Assessments(response));
            Same(file, "eligibility.status", eligibility, unreadable["eligibility"]?["status"]);
            AssertDataIssues(file, expected, unreadable, expectedIssue);
            return;
        }

        var assessments = Assessments(response);
        Assert.All(assessments, a => Assert.True(JsonNode.DeepEquals(assessments[0], a), $"{file}: the cards carry different assessments"));
        var assessment = assessments[0];

        Same(file, "day after infusion", expected["day"], assessment["infusion"]!["day"]);
        var crs = assessment["crs"]!;
        foreach (var system in Systems)
        {
            var e = expected[system]!;
            var current = crs["current"]![system]!;
            Assert.True(e["grade"]!.GetValue<int>() == current["grade"]!.GetValue<int>(), $"{file} {system} grade: expected {e["grade"]}, got {current["grade"]}");
            Assert.True(e["upperBound"]!.GetValue<int>() == current["upperBound"]!.GetValue<int>(), $"{file} {system} upper bound: expected {e["upperBound"]}, got {current["upperBound"]}");
            Assert.True(e["peak"]!.GetValue<int>() == crs["peak"]![system]!.GetValue<int>(), $"{file} {system} peak: expected {e["peak"]}, got {crs["peak"]![system]}");
        }
        Same(file, "feverWaived", expected["feverWaived"], crs["feverWaived"]);

        foreach (var finding in new[] { "infection", "anaphylaxis" })
        {
            var e = expected[finding]!;
            var actual = assessment["differential"]![finding]!;
            Assert.True(e["level"]!.GetValue<string>() == actual["level"]!.GetValue<string>(), $"{file} {finding} level: expected {e["level"]}, got {actual["level"]}");
            Same(file, finding + " reasons", string.Join(",", Strings(e["reasons"])), string.Join(",", Strings(actual["reasons"])));
        }

        var tocilizumab = assessment["tocilizumab"]!;
        Same(file, "tocilizumab suggestedDoseMg", expected["suggestedDoseMg"], tocilizumab["suggestedDoseMg"]);
        if (expected["tocilizumab"] is JsonObject doses)
        {
            Same(file, "tocilizumab dosesLast24h", doses["dosesLast24h"], tocilizumab["dosesLast24h"]);
            Same(file, "tocilizumab dosesTotal", doses["dosesTotal"], tocilizumab["dosesTotal"]);
        }

        AssertDataIssues(file, expected, assessment, expectedIssue);
    }

    private static void AssertDataIssues(string file, JsonObject expected, JsonObject assessment, Func<(string Resource, string Reason), (string Resource, string Reason)>? expectedIssue)
    {
        var reported = DataIssues(assessment);
        foreach (var issue in expected["dataIssues"]?.AsArray() ?? [])
        {
            var wanted = (issue!["resource"]!.GetValue<string>(), issue["reason"]!.GetValue<string>());
            if (expectedIssue is not null) wanted = expectedIssue(wanted);
            Assert.True(reported.Contains(wanted), $"{file}: expected data issue {wanted.Item1} {wanted.Item2}; reported: {string.Join(", ", reported.Select(r => r.Resource + " " + r.Reason))}");
        }
    }

    /// <summary>The (resource, reason) pairs of the assessment's dataIssues.</summary>
    public static IReadOnlyList<(string Resource, string Reason)> DataIssues(JsonObject assessment) =>
        (assessment["dataIssues"]?.AsArray() ?? []).Select(i => (i!["resource"]!.GetValue<string>(), i["reason"]!.GetValue<string>())).ToList();

    private static void Same(string file, string what, JsonNode? expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{file} {what}: expected {expected?.ToJsonString() ?? "none"}, got {actual?.ToJsonString() ?? "none"}");

    private static void Same(string file, string what, string expected, string actual) =>
        Assert.True(expected == actual, $"{file} {what}: expected [{expected}], got [{actual}]");

    private static List<string> Strings(JsonNode? array) =>
        (array?.AsArray() ?? []).Select(r => r!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
}
