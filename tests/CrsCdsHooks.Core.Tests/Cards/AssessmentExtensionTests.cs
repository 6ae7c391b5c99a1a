using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Tests.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>The <c>crsCdsHooks.assessment</c> extension has exactly the JSON shape of CRS-SPEC §7.</summary>
public sealed class AssessmentExtensionTests
{
    [Fact]
    public void Build_MatchesTheSpecExampleShape()
    {
        // Fever, hypotension and nasal cannula without flow (2, up to 3); a fever of grade 3 yesterday; febrile neutropenia.
        var timeline = Adult()
            .Temperature(AsOf.AddHours(-30), 39.0m).Drug(Drug.Norepinephrine, AsOf.AddHours(-31), AsOf.AddHours(-27), rate: PerMinute(25))
            .Fever(38.6m).Pressure(AsOf.AddHours(-1), 84, 50).Oxygen(AsOf.AddHours(-1), OxygenDevice.NasalCannula)
            .Issue("Observation/t9", DataIssueReasons.UnitNotConvertible)
            .Build();
        var assessment = CrsGrader.Grade(timeline, AsOf, new CrsOptions(), GradingSystem.Astct2019);
        var infection = new DifferentialFinding(FindingLevel.Possible, ["febrile-neutropenia"], [], []);

        var extension = AssessmentExtension.Build(assessment, infection, DifferentialFinding.None, new TocilizumabStatus(0, 0, 640, null, null), timeline.Issues);
        var json = JsonSerializer.Serialize(extension, CdsJson.Options);

        const string expected = """
            {"asOf":"2025-03-04T12:00:00Z","infusion":{"product":"axicabtagene ciloleucel","start":"2025-03-01T08:00:00Z","day":3},
            "crs":{"present":true,"primarySystem":"astct2019",
            "current":{"astct2019":{"grade":2,"upperBound":3},"lee2014":{"grade":2,"upperBound":3},"ctcae5":{"grade":2,"upperBound":3}},
            "peak":{"astct2019":3,"lee2014":3,"ctcae5":3},"feverWaived":false},
            "differential":{"infection":{"level":"possible","reasons":["febrile-neutropenia"]},"anaphylaxis":{"level":"none-found","reasons":[]}},
            "tocilizumab":{"dosesLast24h":0,"dosesTotal":0,"suggestedDoseMg":640},
            "dataIssues":[{"resource":"Observation/t9","reason":"unit-not-convertible"}]}
            """;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(json)), json);
    }

    [Fact]
    public void Build_OmitsTheSuggestedDoseWhenAbsent_ButKeepsReasonsAndDataIssuesAsEmptyArrays()
    {
        var s = CardScenarios.Get("grade0-not-crs");

        var extension = AssessmentExtension.Build(s.Assessment, s.Infection, s.Anaphylaxis, new TocilizumabStatus(1, 2, null, AsOf.AddHours(3), "dose in the last 8 h"), []);
        var json = JsonNode.Parse(JsonSerializer.Serialize(extension, CdsJson.Options))!.AsObject();

        // CRS-SPEC §7 shows "reasons": [] and a dataIssues array: they are always present in the extension.
        Assert.Empty(json["dataIssues"]!.AsArray());
        Assert.Empty(json["differential"]!["infection"]!["reasons"]!.AsArray());
        Assert.Empty(json["differential"]!["anaphylaxis"]!["reasons"]!.AsArray());
        Assert.False(json["tocilizumab"]!.AsObject().ContainsKey("suggestedDoseMg"));
        Assert.Equal(1, (int)json["tocilizumab"]!["dosesLast24h"]!);
        Assert.Equal("none-found", (string?)json["differential"]!["anaphylaxis"]!["level"]);
    }

    [Fact]
    public void Build_WaiverAndLeePrimary_UseTheWireNames()
    {
        var timeline = Day3Adult().Temperature(AsOf.AddHours(-30), 39.1m).DrugAt(Drug.Dexamethasone, AsOf.AddHours(-20)).Temperature(AsOf.AddHours(-1), 37.0m).Build();
        var assessment = CrsGrader.Grade(timeline, AsOf, new CrsOptions(), GradingSystem.Lee2014);

        var extension = AssessmentExtension.Build(assessment, DifferentialFinding.None, DifferentialFinding.None, new TocilizumabStatus(0, 0, null, null, null), []);

        Assert.NotNull(extension.Crs);
        Assert.Equal("lee2014", extension.Crs.PrimarySystem);
        Assert.True(extension.Crs.FeverWaived);
        Assert.True(extension.Crs.Present);
        Assert.Equal(new CdsGradeBound(0, 1), extension.Crs.Current.Ctcae5);
    }

    [Theory]
    [InlineData(FindingLevel.Likely, "likely")]
    [InlineData(FindingLevel.Possible, "possible")]
    [InlineData(FindingLevel.NoneFound, "none-found")]
    public void LevelName_IsTheWireName(FindingLevel level, string name) => Assert.Equal(name, AssessmentExtension.LevelName(level));

    [Fact]
    public void Build_FractionalSecondsStayUtc()
    {
        var s = CardScenarios.Get("grade0-not-crs");
        var assessment = s.Assessment with { AsOf = new DateTimeOffset(2025, 3, 4, 13, 0, 0, 250, TimeSpan.FromHours(1)) };

        var extension = AssessmentExtension.Build(assessment, s.Infection, s.Anaphylaxis, s.Plan.Tocilizumab, []);

        Assert.Equal("2025-03-04T12:00:00.25Z", extension.AsOf);
    }

    [Fact]
    public void Build_IneligibleAssessment_IsRefused()
    {
        var ineligible = CrsGrader.Grade(Adult().Build(), T0.AddDays(40), new CrsOptions(), GradingSystem.Astct2019);

        Assert.Throws<ArgumentException>(() => AssessmentExtension.Build(ineligible, DifferentialFinding.None, DifferentialFinding.None, new TocilizumabStatus(0, 0, null, null, null), []));
    }
}
