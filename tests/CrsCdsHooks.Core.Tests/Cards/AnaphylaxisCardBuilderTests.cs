using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Tests.Differential;
using CrsCdsHooks.Core.Tests.Management;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

using static CrsCdsHooks.Core.Tests.Differential.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Cards;

public sealed class AnaphylaxisCardBuilderTests
{
    private static CdsCard? Build(TimelineBuilder b, CrsAssessment? crs = null)
    {
        var timeline = b.Build();
        crs ??= Assessments.Crs(FeverStatus.Afebrile, grade: 0);
        var finding = AnaphylaxisScreen.Screen(timeline, crs, new CrsOptions());
        return AnaphylaxisCardBuilder.Build(finding, crs, timeline, "p1", CardRules.Extension, new SequentialCardIdSource());
    }

    private static TimelineBuilder Likely() =>
        new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Urticaria, HoursAgo(2)).Finding(FindingKind.Stridor, HoursAgo(1.5));

    private static TimelineBuilder Possible() =>
        new TimelineBuilder().Infusion(HoursAgo(3)).Finding(FindingKind.Flushing, HoursAgo(2));

    [Fact]
    public void Build_NoneFound_NoCard()
    {
        Assert.Null(Build(new TimelineBuilder().Infusion(HoursAgo(3))));
    }

    [Fact]
    public void Build_Likely_IsCriticalWithEpinephrineAndTryptase()
    {
        var card = Build(Likely().Weight(72.4m, DaysAgo(2)));
        Assert.NotNull(card);
        Assert.Equal("critical", card.Indicator);
        CardRules.AssertValid(card);
        var resources = FhirAssert.AllValid(card.Suggestions!);
        var epi = Assert.Single(resources.OfType<MedicationRequest>());
        var coding = Assert.Single(((CodeableConcept)epi.Medication!).Coding);
        Assert.Equal("3992", coding.Code);
        Assert.Equal("http://www.nlm.nih.gov/research/umls/rxnorm", coding.System);
        Assert.Equal(0.5m, ((Quantity)epi.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
        Assert.Equal("78421000", epi.DosageInstruction[0].Route!.Coding[0].Code);
        Assert.Equal(RequestPriority.Stat, epi.Priority);
        Assert.Contains("0.01 mg/kg × 72.4 kg = 0.724 mg → capped at the maximum of 0.5 mg", epi.DosageInstruction[0].Text, StringComparison.Ordinal);
        var tryptase = Assert.Single(resources.OfType<ServiceRequest>());
        Assert.Equal("21582-2", tryptase.Code!.Coding[0].Code);
        Assert.Contains(card.Links!, l => l.Url == "https://doi.org/10.1159/000501079");
        Assert.Contains(card.Links!, l => l.Url == "https://doi.org/10.1016/j.waojou.2020.100472");
        Assert.Equal("https://doi.org/10.1016/j.jaci.2005.12.1303", card.Source.Url);
    }

    [Fact]
    public void Build_Likely_EpinephrineAlreadyGiven_SaysSoAndOffersARepeatDose()
    {
        // A single 0.5 mg dose 1 h ago, after the urticaria (2 h ago) and the stridor (1.5 h ago).
        var card = Build(Likely().Weight(72.4m, DaysAgo(2)).Drug("epinephrine", HoursAgo(1), Timeline.Drug.Epinephrine, rxNorm: ["3992"]));

        Assert.NotNull(card);
        CardRules.AssertValid(card);
        Assert.Contains("Epinephrine already given: Epinephrine (a single dose) at", card.Detail, StringComparison.Ordinal);
        Assert.Contains("If signs persist or recur, repeat IM: 0.01 mg/kg × 72.4 kg", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Epinephrine IM now", card.Detail, StringComparison.Ordinal);
        var epinephrine = Assert.Single(card.Suggestions!, s => s.Label.StartsWith("Epinephrine", StringComparison.Ordinal));
        Assert.StartsWith("Epinephrine 0.5 mg IM, repeat dose if signs persist", epinephrine.Label, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Likely_EpinephrineLongBeforeTheSigns_IsNotThisReactionsTreatment()
    {
        var card = Build(Likely().Weight(72.4m, DaysAgo(2)).Drug("epinephrine", HoursAgo(10), Timeline.Drug.Epinephrine, rxNorm: ["3992"]));

        Assert.NotNull(card);
        Assert.Contains("Epinephrine IM now", card.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("72.4", "0.5")]
    [InlineData("50", "0.5")]
    [InlineData("20", "0.2")]
    [InlineData("13.3", "0.13")]
    [InlineData("25.5", "0.26")] // 0.255 → 0.26 (half away from zero)
    public void EpinephrineDose_0Point01MgPerKgMax0Point5(string kg, string mg)
    {
        var (dose, _) = AnaphylaxisCardBuilder.EpinephrineDose(decimal.Parse(kg, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(decimal.Parse(mg, System.Globalization.CultureInfo.InvariantCulture), dose);
    }

    [Fact]
    public void Build_LikelyWithoutWeight_TextOnlyAndSaysWhy()
    {
        var card = Build(Likely());
        Assert.NotNull(card);
        Assert.DoesNotContain(FhirAssert.AllValid(card.Suggestions!), r => r is MedicationRequest);
        Assert.Contains("no body weight in the last 30 days", card.Detail, StringComparison.Ordinal);
        Assert.Contains("0.01 mg/kg", card.Detail, StringComparison.Ordinal);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_Possible_IsWarningWithoutEpinephrine()
    {
        var card = Build(Possible().Weight(70m, DaysAgo(1)));
        Assert.NotNull(card);
        Assert.Equal("warning", card.Indicator);
        Assert.DoesNotContain(FhirAssert.AllValid(card.Suggestions!), r => r is MedicationRequest);
        Assert.Contains("Observe closely", card.Detail, StringComparison.Ordinal);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_AcuteTryptaseAlreadyDrawn_NoTryptaseSuggestion()
    {
        var card = Build(Possible().Lab(LabAnalyte.Tryptase, 6m, HoursAgo(1)));
        Assert.NotNull(card);
        Assert.Null(card.Suggestions);
        Assert.Null(card.SelectionBehavior);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_AllergyMatchedDrugWithoutSign_NoTryptaseSuggestion()
    {
        var card = Build(new TimelineBuilder().Allergy("cefazolin").Drug("cefazolin 2 g", HoursAgo(1)));
        Assert.NotNull(card);
        Assert.Null(card.Suggestions);
        Assert.Contains("| Allergy |", card.Detail, StringComparison.Ordinal);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_Fever_DetailSaysFeverArguesForCrs()
    {
        var card = Build(Possible(), Assessments.Crs(grade: 1));
        Assert.NotNull(card);
        Assert.Contains("fever argues for CRS", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SignFiveHoursAgoWithoutTryptase_AsksForItAsSoonAsPossible_NotWithin2Hours()
    {
        var card = Build(new TimelineBuilder().Infusion(HoursAgo(6)).Finding(FindingKind.Flushing, HoursAgo(5)));
        Assert.NotNull(card);

        const string truthful = "draw serum tryptase as soon as possible; the sign began 5 h ago, and tryptase is most informative within 2 h of onset";
        Assert.Contains($"Serum tryptase: none collected after the sign — {truthful} (suggested below).", card.Detail, StringComparison.Ordinal);
        Assert.Contains($"No tryptase collected after the first sign (2025-06-15 07:00 UTC): {truthful};", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("draw now, within 2 h", card.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("within 2 h of the reaction's onset", card.Detail, StringComparison.Ordinal);
        var suggestion = Assert.Single(card.Suggestions!);
        Assert.Equal("Serum tryptase as soon as possible (sign began 5 h ago)", suggestion.Label);
        var request = Assert.Single(FhirAssert.AllValid(card.Suggestions!).OfType<ServiceRequest>());
        Assert.StartsWith("Draw serum tryptase as soon as possible; the sign began 5 h ago", request.Note[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SignOneHourAgoWithoutTryptase_AsksForItNowWithin2HoursOfOnset()
    {
        var card = Build(new TimelineBuilder().Infusion(HoursAgo(2)).Finding(FindingKind.Flushing, HoursAgo(1)));
        Assert.NotNull(card);

        Assert.Contains("Serum tryptase: none collected after the sign — draw serum tryptase now, within 2 h of onset (by 2025-06-15 13:00 UTC) (suggested below).", card.Detail, StringComparison.Ordinal);
        Assert.Equal("Serum tryptase now (within 2 h of onset)", Assert.Single(card.Suggestions!).Label);
    }

    [Fact]
    public void Build_EvidenceTable_ShowsExposureAndSign()
    {
        var card = Build(Possible());
        Assert.NotNull(card);
        Assert.Contains("| Exposure | axicabtagene ciloleucel (CAR-T product) infusion started | 2025-06-15 09:00 UTC | MedicationAdministration/cart1 |", card.Detail, StringComparison.Ordinal);
        Assert.Contains("| Skin/mucosal sign | Flushing | 2025-06-15 10:00 UTC | Condition/f2 |", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EveryReason_SummaryStaysUnder140()
    {
        var card = Build(new TimelineBuilder()
            .Allergy("tocilizumab", rxNorm: ["612865"])
            .Tocilizumab(HoursAgo(3))
            .Finding(FindingKind.Urticaria, HoursAgo(2.5))
            .Finding(FindingKind.Bronchospasm, HoursAgo(2.4))
            .Pressure(70, HoursAgo(2.3), 40)
            .Lab(LabAnalyte.Tryptase, 30m, HoursAgo(2)));
        Assert.NotNull(card);
        Assert.Equal("critical", card.Indicator);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_HostileDrugName_CannotFormatOrInjectIntoTheCard()
    {
        const string hostile = "<img src=x onerror=alert(1)> **bold** [click](https://evil.example) | col";
        var timeline = new TimelineBuilder().Drug(hostile, HoursAgo(3), monoclonal: true).Finding(FindingKind.Urticaria, HoursAgo(2)).Build();
        var crs = Assessments.Crs(FeverStatus.Afebrile, grade: 0);
        var card = AnaphylaxisCardBuilder.Build(AnaphylaxisScreen.Screen(timeline, crs, new CrsOptions()), crs, timeline, "p1", CardRules.Extension, new SequentialCardIdSource());
        Assert.NotNull(card);
        static bool Unescaped(string text, string token) =>
            System.Text.RegularExpressions.Regex.IsMatch(text, @"(?<!\\)" + System.Text.RegularExpressions.Regex.Escape(token));
        Assert.False(Unescaped(card.Detail!, "<img"));
        Assert.False(Unescaped(card.Detail!, "](https://evil"));
        Assert.False(Unescaped(card.Detail!, "**bold"));
        Assert.Contains("\\<img", card.Detail, StringComparison.Ordinal);
        // the table keeps its four columns: the pipe in the name is escaped
        var row = card.Detail!.Split('\n').Single(l => l.StartsWith("| Exposure |", StringComparison.Ordinal));
        Assert.Equal(5, System.Text.RegularExpressions.Regex.Count(row, @"(?<!\\)\|"));
        Assert.Contains("\\| col", row, StringComparison.Ordinal);
    }
}
