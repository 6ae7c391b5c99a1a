using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Tests.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>The CDS Hooks card rules (CDS-HOOKS.md, CRS-SPEC §7), checked on every representative card.</summary>
public sealed class CrsCardRuleTests
{
    public static TheoryData<string> Scenarios => CardScenarios.Names;

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_SummaryIsShorterThan140Characters(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        Assert.InRange(card.Summary.Length, 1, 139);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_UuidsArePresentAndUnique(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();
        var uuids = new[] { card.Uuid }.Concat(card.Suggestions?.Select(s => s.Uuid) ?? []).ToList();

        Assert.All(uuids, u => Assert.True(Guid.TryParse(u, out _), u));
        Assert.Equal(uuids.Count, uuids.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_OverrideReasonsEachHaveADisplay(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        Assert.NotEmpty(card.OverrideReasons!);
        Assert.All(card.OverrideReasons!, r => Assert.False(string.IsNullOrWhiteSpace(r.Display)));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_SelectionBehaviorIsAnyExactlyWhenThereAreSuggestions(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        Assert.Equal(card.Suggestions is { Count: > 0 }, card.SelectionBehavior == "any");
        Assert.True(card.Suggestions is null || card.Suggestions.Count > 0);
        Assert.True(card.SelectionBehavior is null or "any");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_JsonHasNoNullOrEmptyMembers(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();
        var json = JsonNode.Parse(JsonSerializer.Serialize(new CdsServiceResponse([card]), CdsJson.Options))!;

        AssertNoEmpty(json, "$");
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_IndicatorFollowsThePrimaryGrade(string scenario)
    {
        var s = CardScenarios.Get(scenario);
        var card = s.Card();
        var expected = s.Assessment.PrimaryGrade!.Grade switch { 0 => "info", 1 or 2 => "warning", _ => "critical" };

        Assert.Equal(expected, card.Indicator);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_SourceAndLinksCiteTheCriteria(string scenario)
    {
        var s = CardScenarios.Get(scenario);
        var card = s.Card();

        Assert.StartsWith(ClinicalText.SystemName(s.Assessment.PrimarySystem), card.Source.Label, StringComparison.Ordinal);
        Assert.StartsWith("https://", card.Source.Url, StringComparison.Ordinal);
        Assert.Equal(3, card.Links!.Count);
        Assert.All(card.Links, l => Assert.Equal("absolute", l.Type));
        Assert.Contains("https://doi.org/10.1016/j.bbmt.2018.12.758", card.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Card_CarriesTheAssessmentExtension(string scenario)
    {
        var card = CardScenarios.Get(scenario).Card();

        var extension = Assert.IsType<CdsAssessmentExtension>(card.Extension![AssessmentExtension.Key]);
        Assert.Equal("2025-03-04T12:00:00Z", extension.AsOf);
    }

    [Fact]
    public void Card_AstctPrimary_UsesTheAstctDoi()
    {
        var card = CardScenarios.Get("grade2-hypotension-with-plan").Card();

        Assert.Equal("https://doi.org/10.1016/j.bbmt.2018.12.758", card.Source.Url);
    }

    [Fact]
    public void Card_UpperBound3AboveGrade_SaysSoButKeepsTheIndicatorByGrade()
    {
        var s = CardScenarios.Get("lee2014-primary-rate-unknown");
        var card = s.Card();

        Assert.Equal("warning", card.Indicator);
        Assert.Contains("up to 3", card.Summary, StringComparison.Ordinal);
        Assert.Contains("**Grade 3 cannot be excluded**", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_Grade0_SaysWhatItIs()
    {
        var card = CardScenarios.Get("grade0-not-crs").Card();

        Assert.Equal("info", card.Indicator);
        Assert.StartsWith("No CRS criteria met (ASTCT 2019), day 3 after axicabtagene ciloleucel", card.Summary, StringComparison.Ordinal);
        Assert.Contains("consider other causes", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_FeverPresent_SaysInfectionIsNotExcluded_AndFeverArguesForCrsBesideAnaphylaxis()
    {
        var card = CardScenarios.Get("grade4-two-pressors-many-issues").Card();

        Assert.Contains("Infection is not excluded", card.Detail, StringComparison.Ordinal);
        Assert.Contains(AnaphylaxisScreen.FeverArguesForCrsNote, card.Detail, StringComparison.Ordinal);
        Assert.Equal(1, CountOf(card.Detail!, "Infection is not excluded"));
        Assert.Equal(1, CountOf(card.Detail!.ToUpperInvariant(), "ARGUES FOR CRS"));
    }

    [Fact]
    public void Card_FeverBesideAScreenedAnaphylaxisFinding_SaysFeverArguesForCrsOnce()
    {
        var timeline = new Differential.TimelineBuilder().Infusion(Differential.TimelineBuilder.DaysAgo(3))
            .Drug("rituximab", Differential.TimelineBuilder.HoursAgo(3), monoclonal: true)
            .Finding(FindingKind.Urticaria, Differential.TimelineBuilder.HoursAgo(2)).Build();
        var crs = Differential.Assessments.Crs(FeverStatus.Febrile, grade: 1);
        var anaphylaxis = AnaphylaxisScreen.Screen(timeline, crs, new CrsOptions());
        Assert.Contains(AnaphylaxisScreen.FeverArguesForCrsNote, anaphylaxis.Notes);
        var s = new CardScenario("febrile-anaphylaxis", timeline, crs, DifferentialFinding.None, anaphylaxis, CardScenarios.NoPlan());

        var card = s.Card();

        Assert.Equal(1, CountOf(card.Detail!.ToUpperInvariant(), "ARGUES FOR CRS"));
    }

    [Fact]
    public void Card_ClassAllergyWithNothingMatched_DifferentialSaysClassAllergiesAreNotExpanded()
    {
        Hl7.Fhir.Model.Resource[] resources =
        [
            new Hl7.Fhir.Model.Patient { Id = Fhir.Fx.PatientId, BirthDate = "1970-05-01" },
            Fhir.Fx.Admin("cart", new Hl7.Fhir.Model.CodeableConcept { Text = "Yescarta (axicabtagene ciloleucel)" }, Fhir.Fx.AsOf.AddDays(-3)),
            Fhir.Fx.Temp("fever", 38.5m, "Cel", Fhir.Fx.AsOf.AddHours(-3)),
            new Hl7.Fhir.Model.AllergyIntolerance { Id = "pcns", Patient = Fhir.Fx.Subject(), Code = Fhir.Fx.Text("Penicillins") },
        ];
        var evaluation = new CrsPatientView(new CrsOptions()).Evaluate(new PatientViewInput(Fhir.Fx.PatientId, Fhir.Fx.AsOf, resources, []), new SequentialCardIdSource());

        var card = Assert.Single(evaluation.Response.Cards);
        var detail = card.Detail!;
        var differential = detail[detail.IndexOf("### Differential", StringComparison.Ordinal)..];
        differential = differential[..differential.IndexOf("\n### ", 5, StringComparison.Ordinal)];
        Assert.Contains("Allergy to \"Penicillins\" (AllergyIntolerance/pcns) names a drug class: class allergies are not expanded", differential, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("grade0-up-to-3-no-temperature-nasal-cannula", "| nasal cannula, flow not recorded |")]
    [InlineData("grade4-two-pressors-many-issues", "| BiPAP, FiO2 60 % |")]
    public void Card_OxygenSupportRow_ShowsTheDeviceFlowAndFiO2Settings(string scenario, string valueCell)
    {
        var card = CardScenarios.Get(scenario).Card();

        var row = card.Detail!.Split('\n').Single(l => l.StartsWith("| Oxygen support |", StringComparison.Ordinal));
        Assert.Contains(valueCell, row, StringComparison.Ordinal);
        Assert.DoesNotContain("| — |", row, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_DataNotUsed_IsGroupedByReasonAndCapped()
    {
        var card = CardScenarios.Get("grade4-two-pressors-many-issues").Card();

        Assert.Contains("implausible value (implausible-value, 14): Observation/implausible1,", card.Detail, StringComparison.Ordinal);
        Assert.Contains("Observation/implausible10 … and 4 more", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Observation/implausible11", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_HostileTextFromTheRecord_CannotInjectMarkdown()
    {
        var card = CardScenarios.Get("grade4-two-pressors-many-issues").Card();

        Assert.Contains(@"Observation/x\|\<script>", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"(?<!\\)<[A-Za-z/!?]", card.Detail); // every tag-like "<" is escaped
        Assert.DoesNotMatch(@"(?<!\\)\]\(", card.Detail); // no link syntax
        Assert.Contains(@"recorded 103.5 \[degF\](javascript:alert(1))", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_ManyVasopressorRecords_AreCappedInTheTable()
    {
        var b = Day3Adult().Fever();
        for (var h = 12; h >= 1; h--) b.Drug(Drug.Norepinephrine, AsOf.AddHours(-h), AsOf.AddHours(-h + 1), rate: PerMinute(5));
        var s = new CardScenario("many", b.Build(), b.Grade(), DifferentialFinding.None, DifferentialFinding.None, CardScenarios.NoPlan());

        var card = s.Card();

        Assert.Equal(5, CountOf(card.Detail!, "| Vasopressor | norepinephrine"));
        Assert.Contains("… and 7 more Vasopressor records", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_IneligibleAssessment_IsRefused()
    {
        var timeline = Adult().Build();
        var ineligible = CrsGrader.Grade(timeline, T0.AddDays(40), new CrsOptions(), GradingSystem.Astct2019);
        var s = CardScenarios.Get("grade0-not-crs");
        var extension = AssessmentExtension.Build(s.Assessment, s.Infection, s.Anaphylaxis, s.Plan.Tocilizumab, []);

        Assert.Throws<ArgumentException>(() => CrsCardBuilder.Build(ineligible, timeline, s.Infection, s.Anaphylaxis, s.Plan, new SequentialCardIdSource(), extension));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }

    private static void AssertNoEmpty(JsonNode? node, string path)
    {
        switch (node)
        {
            case null:
                Assert.Fail($"null at {path}");
                break;
            // Card members only: the assessment extension's value keeps the CRS-SPEC §7 shape ("reasons": [], dataIssues),
            // so below an "extension" key only the value's own presence is checked.
            case JsonObject o when path.EndsWith(".extension", StringComparison.Ordinal):
                Assert.True(o.Count > 0, $"empty object at {path}");
                foreach (var (key, value) in o) Assert.True(value is JsonObject { Count: > 0 }, $"empty extension value at {path}.{key}");
                break;
            case JsonObject o:
                Assert.True(o.Count > 0, $"empty object at {path}");
                foreach (var (key, value) in o) AssertNoEmpty(value, $"{path}.{key}");
                break;
            case JsonArray a:
                Assert.True(a.Count > 0 || path == "$.cards", $"empty array at {path}");
                for (var i = 0; i < a.Count; i++) AssertNoEmpty(a[i], $"{path}[{i}]");
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                Assert.False(string.IsNullOrEmpty(s), $"empty string at {path}");
                break;
        }
    }
}
