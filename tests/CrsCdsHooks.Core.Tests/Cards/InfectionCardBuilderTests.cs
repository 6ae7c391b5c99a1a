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

public sealed class InfectionCardBuilderTests
{
    private static CdsCard? Build(TimelineBuilder b, CrsAssessment crs, IReadOnlyDictionary<string, object>? extension = null)
    {
        var timeline = b.Build();
        var finding = SepsisScreen.Screen(timeline, crs);
        return InfectionCardBuilder.Build(finding, crs, timeline, "p1", extension ?? CardRules.Extension, new SequentialCardIdSource());
    }

    private static DrugAdministration Norepinephrine() =>
        new("MedicationAdministration/ne1", Drug.Norepinephrine, "norepinephrine", ["norepinephrine"], ["7512"],
            new TimeInterval(HoursAgo(2), null), AdministrationStatus.InProgress, null, null);

    [Fact]
    public void Build_NoneFound_NoCard()
    {
        Assert.Null(Build(new TimelineBuilder(), Assessments.Crs(grade: 1)));
        Assert.Null(InfectionCardBuilder.Build(DifferentialFinding.None, Assessments.Crs(), new TimelineBuilder().Build(), "p1", CardRules.Extension, new SequentialCardIdSource()));
    }

    [Theory]
    [InlineData(false, false, "warning")]
    [InlineData(true, false, "critical")]
    [InlineData(false, true, "critical")]
    public void Build_Likely_CriticalOnlyWithHypotensionOrVasopressor(bool hypotension, bool vasopressor, string indicator)
    {
        var crs = Assessments.Crs(grade: 2, hypotension: hypotension, vasopressors: vasopressor ? [Norepinephrine()] : null);
        var card = Build(new TimelineBuilder().Culture(CultureResult.Positive, HoursAgo(20), "Escherichia coli"), crs);
        Assert.NotNull(card);
        Assert.Equal(indicator, card.Indicator);
        CardRules.AssertValid(card);
        if (indicator == "critical") Assert.Contains("septic shock", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_PossibleWithHypotension_IsWarning()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Lactate, 4.2m, HoursAgo(2)), Assessments.Crs(grade: 3, vasopressors: [Norepinephrine()]));
        Assert.NotNull(card);
        Assert.Equal("warning", card.Indicator);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_NoCultureIn24Hours_SuggestsBloodCultures()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 2.5m, HoursAgo(5)).Culture(CultureResult.Negative, HoursAgo(30)), Assessments.Crs(grade: 1));
        Assert.NotNull(card);
        var s = Assert.Single(card.Suggestions!);
        var sr = FhirAssert.Single<ServiceRequest>(s);
        Assert.Equal("600-7", sr.Code!.Coding[0].Code);
        Assert.Equal("http://loinc.org", sr.Code.Coding[0].System);
        Assert.Equal(RequestStatus.Draft, sr.Status);
        Assert.Equal(RequestIntent.Proposal, sr.Intent);
        Assert.Equal("Patient/p1", sr.Subject!.Reference);
        Assert.Equal("any", card.SelectionBehavior);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_CultureDrawnToday_NoSuggestions()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 2.5m, HoursAgo(5)).Culture(CultureResult.Pending, HoursAgo(3)), Assessments.Crs(grade: 1));
        Assert.NotNull(card);
        Assert.Null(card.Suggestions);
        Assert.Null(card.SelectionBehavior);
        Assert.Contains("Blood cultures: last collected", card.Detail, StringComparison.Ordinal);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_FebrileNeutropenia_LeadsWithAntibioticsWithinOneHourAndLinksTheGuideline_NoAntibioticOrder()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.1m, HoursAgo(5)), Assessments.Crs(grade: 1));
        Assert.NotNull(card);
        Assert.Equal("warning", card.Indicator);
        Assert.StartsWith("**Febrile neutropenia: start empiric broad-spectrum antibiotics within 1 hour**", card.Detail, StringComparison.Ordinal);
        Assert.Contains("antibiotics within 1 h", card.Summary, StringComparison.Ordinal);
        Assert.Equal("https://doi.org/10.1200/JCO.2017.77.6211", card.Source.Url);
        Assert.Contains(card.Links!, l => l.Url == "https://doi.org/10.1200/JCO.2017.77.6211");
        Assert.DoesNotContain(FhirAssert.AllValid(card.Suggestions!), r => r is MedicationRequest);
        CardRules.AssertValid(card);
    }

    [Fact]
    public void Build_EvidenceTable_ShowsValueUnitTimeAndSource()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 2.4m, HoursAgo(5)), Assessments.Crs(grade: 1));
        Assert.NotNull(card);
        Assert.Contains("| Procalcitonin (48 h) | Procalcitonin 2.4 ng/mL | 2025-06-15 07:00 UTC | Observation/lab1 |", card.Detail, StringComparison.Ordinal);
        Assert.Contains("never excludes", card.Detail, StringComparison.Ordinal);
        Assert.Contains("Current CRS grade 1 (ASTCT 2019), day 3 after axicabtagene ciloleucel.", card.Detail, StringComparison.Ordinal);
        Assert.Contains("doi.org/10.1001/jama.2016.0287", card.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EveryReason_SummaryStaysUnder140()
    {
        var t0 = DaysAgo(15);
        var card = Build(new TimelineBuilder()
            .Infusion(t0)
            .Temperature(38.8m, HoursAgo(1))
            .Culture(CultureResult.Positive, HoursAgo(30), "Pseudomonas aeruginosa")
            .Finding(FindingKind.SepticShock, HoursAgo(3))
            .Lab(LabAnalyte.Procalcitonin, 12m, HoursAgo(5))
            .Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.05m, HoursAgo(5))
            .Lab(LabAnalyte.Lactate, 6.1m, HoursAgo(2)), Assessments.Crs(grade: 3, t0: t0, hypotension: true));
        Assert.NotNull(card);
        Assert.Equal("critical", card.Indicator);
        CardRules.AssertValid(card);
        Assert.StartsWith("Infection/sepsis likely beside CRS: positive blood culture", card.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_EmptyExtension_IsOmitted()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Lactate, 4.2m, HoursAgo(2)), Assessments.Crs(grade: 1), new Dictionary<string, object>());
        Assert.NotNull(card);
        Assert.Null(card.Extension);
    }

    [Fact]
    public void Build_CarriesTheExtension()
    {
        var card = Build(new TimelineBuilder().Lab(LabAnalyte.Lactate, 4.2m, HoursAgo(2)), Assessments.Crs(grade: 1));
        Assert.Same(CardRules.Extension, card!.Extension);
    }
}
