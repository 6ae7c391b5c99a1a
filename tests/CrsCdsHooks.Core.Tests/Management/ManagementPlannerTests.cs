using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;
using CrsCdsHooks.Core.Tests.Differential;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

using static CrsCdsHooks.Core.Tests.Differential.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Management;

public sealed class ManagementPlannerTests
{
    private const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";

    private static ManagementPlan Plan(TimelineBuilder b, CrsAssessment crs) =>
        ManagementPlanner.Plan("p1", b.Build(), crs, new SequentialCardIdSource());

    private static MedicationRequest? MedicationRequestFor(ManagementPlan plan, string rxNorm) =>
        FhirAssert.AllValid(plan.Suggestions).OfType<MedicationRequest>()
            .SingleOrDefault(m => m.Medication is CodeableConcept cc && cc.Coding.Any(c => c.System == RxNorm && c.Code == rxNorm));

    private static ServiceRequest? ServiceRequestFor(ManagementPlan plan, string code) =>
        FhirAssert.AllValid(plan.Suggestions).OfType<ServiceRequest>().SingleOrDefault(s => s.Code!.Coding.Any(c => c.Code == code));

    private static Condition? ConditionOf(ManagementPlan plan) =>
        FhirAssert.AllValid(plan.Suggestions).OfType<Condition>().SingleOrDefault();

    // ---- dose arithmetic ----

    [Theory]
    [InlineData("72.4", 579, 8)]
    [InlineData("75", 600, 8)]
    [InlineData("30", 240, 8)]
    [InlineData("29.95", 240, 8)]  // weight rounds to 30.0 kg (0.1 kg)
    [InlineData("29.9", 359, 12)]  // 12 × 29.9 = 358.8 → 359
    [InlineData("20", 240, 12)]
    [InlineData("3.4", 41, 12)]    // 40.8 → 41
    [InlineData("100", 800, 8)]
    [InlineData("100.1", 800, 8)]  // 800.8 → capped
    [InlineData("140", 800, 8)]
    public void Dose_ByWeight_8Or12MgPerKgCappedAt800(string kg, int dose, int perKg)
    {
        var (doseMg, mgPerKg, _) = TocilizumabDosing.Dose(decimal.Parse(kg, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(dose, doseMg);
        Assert.Equal(perKg, mgPerKg);
    }

    [Theory]
    [InlineData("72.4", "8 mg/kg × 72.4 kg = 579.2 → 579 mg")]
    [InlineData("75", "8 mg/kg × 75 kg = 600 mg")]
    [InlineData("29.9", "12 mg/kg × 29.9 kg = 358.8 → 359 mg")]
    [InlineData("110", "8 mg/kg × 110 kg = 880 mg → capped at the maximum of 800 mg per dose")]
    public void Dose_ShowsTheArithmetic(string kg, string expected)
    {
        Assert.Equal(expected, TocilizumabDosing.Dose(decimal.Parse(kg, System.Globalization.CultureInfo.InvariantCulture)).Arithmetic);
    }

    // ---- grade 2: tocilizumab ----

    [Fact]
    public void Plan_Grade2WithWeight_SuggestsTocilizumabDraft()
    {
        var plan = Plan(new TimelineBuilder().Weight(72.4m, DaysAgo(2)), Assessments.Crs(grade: 2));
        Assert.Equal(579, plan.Tocilizumab.SuggestedDoseMg);
        Assert.Null(plan.Tocilizumab.LimitReason);
        var toci = MedicationRequestFor(plan, "612865");
        Assert.NotNull(toci);
        Assert.Equal(MedicationRequest.MedicationrequestStatus.Draft, toci.Status);
        Assert.Equal(MedicationRequest.MedicationRequestIntent.Proposal, toci.Intent);
        Assert.Equal("Patient/p1", toci.Subject!.Reference);
        var dosage = Assert.Single(toci.DosageInstruction);
        Assert.Contains("579 mg IV", dosage.Text, StringComparison.Ordinal);
        Assert.Contains("8 mg/kg × 72.4 kg = 579.2 → 579 mg", dosage.Text, StringComparison.Ordinal);
        Assert.Contains("8 hours", dosage.Text, StringComparison.Ordinal);
        var q = Assert.IsType<Quantity>(Assert.Single(dosage.DoseAndRate).Dose);
        Assert.Equal(579m, q.Value);
        Assert.Equal("mg", q.Code);
        Assert.Equal("http://unitsofmeasure.org", q.System);
        Assert.Contains(plan.DetailLines, l => l.Contains("8 mg/kg × 72.4 kg = 579.2 → 579 mg", StringComparison.Ordinal));
        Assert.Contains(plan.DetailLines, l => l.Contains("manage as grade 3", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(3, true)]
    [InlineData(4, true)]
    public void Plan_Echocardiogram_OnlyFromGrade3(int grade, bool suggested)
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: grade));

        Assert.Equal(suggested, plan.Suggestions.Any(s => s.Label.Contains("Echocardiogram", StringComparison.OrdinalIgnoreCase)));
    }

    [Fact]
    public void Plan_Grade2ChildUnder30Kg_Uses12MgPerKg()
    {
        var plan = Plan(new TimelineBuilder().Born(new DateOnly(2017, 3, 1)).Weight(22m, DaysAgo(1)), Assessments.Crs(grade: 2));
        Assert.Equal(264, plan.Tocilizumab.SuggestedDoseMg);
        Assert.Contains("12 mg/kg", MedicationRequestFor(plan, "612865")!.DosageInstruction[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_Grade2NoWeight_NoDoseAndAsksForWeight()
    {
        var plan = Plan(new TimelineBuilder(), Assessments.Crs(grade: 2));
        Assert.Null(plan.Tocilizumab.SuggestedDoseMg);
        Assert.Null(MedicationRequestFor(plan, "612865"));
        Assert.Contains("record a weight", plan.Tocilizumab.LimitReason, StringComparison.Ordinal);
        Assert.Contains(plan.DetailLines, l => l.Contains("No body weight in the last 30 days", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(29.9, true)]
    [InlineData(30.0, true)]
    [InlineData(30.1, false)]
    public void Plan_WeightOlderThan30Days_IsNotUsed(double daysAgo, bool used)
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(daysAgo)), Assessments.Crs(grade: 2));
        Assert.Equal(used ? 560 : null, plan.Tocilizumab.SuggestedDoseMg);
    }

    [Fact]
    public void Plan_SeveralWeights_LatestIsUsed()
    {
        var plan = Plan(new TimelineBuilder().Weight(80m, DaysAgo(10)).Weight(74m, DaysAgo(1)).Weight(90m, DaysAgo(40)), Assessments.Crs(grade: 2));
        Assert.Equal(592, plan.Tocilizumab.SuggestedDoseMg);
    }

    // ---- limits (§6, §9.36) ----

    [Theory]
    [InlineData(7 * 60 + 59, false)]
    [InlineData(8 * 60, true)]
    [InlineData(8 * 60 + 1, true)]
    public void Plan_DoseWithinLast8Hours_NoNewDose(int minutesAgo, bool suggested)
    {
        var last = Ago(TimeSpan.FromMinutes(minutesAgo));
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Tocilizumab(last), Assessments.Crs(grade: 2));
        Assert.Equal(suggested, MedicationRequestFor(plan, "612865") is not null);
        Assert.Equal(suggested ? 560 : null, plan.Tocilizumab.SuggestedDoseMg);
        if (!suggested)
        {
            Assert.Equal(last + TimeSpan.FromHours(8), plan.Tocilizumab.NextAllowedAt);
            Assert.Contains("at least 8 h apart", plan.Tocilizumab.LimitReason, StringComparison.Ordinal);
            Assert.Contains(plan.DetailLines, l => l.Contains("2025-06-15 12:01 UTC", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Plan_ThreeDosesIn24Hours_LimitReachedWithAlternatives()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1))
            .Tocilizumab(HoursAgo(23)).Tocilizumab(HoursAgo(15)).Tocilizumab(HoursAgo(9)), Assessments.Crs(grade: 3));
        Assert.Null(MedicationRequestFor(plan, "612865"));
        Assert.Null(plan.Tocilizumab.SuggestedDoseMg);
        Assert.Equal(3, plan.Tocilizumab.DosesLast24h);
        Assert.Equal(HoursAgo(23) + TimeSpan.FromHours(24), plan.Tocilizumab.NextAllowedAt);
        Assert.Contains("limit of 3 per 24 h is reached", plan.Tocilizumab.LimitReason, StringComparison.Ordinal);
        Assert.Contains("corticosteroids, siltuximab or anakinra", plan.Tocilizumab.LimitReason, StringComparison.Ordinal);
        Assert.NotNull(MedicationRequestFor(plan, "3264")); // dexamethasone still suggested at grade 3
    }

    [Fact]
    public void Plan_ThirdDoseJustOver24HoursAgo_DoesNotCountTowardTheDay()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1))
            .Tocilizumab(Ago(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1))).Tocilizumab(HoursAgo(15)).Tocilizumab(HoursAgo(9)), Assessments.Crs(grade: 2));
        Assert.Equal(2, plan.Tocilizumab.DosesLast24h);
        Assert.Equal(3, plan.Tocilizumab.DosesTotal);
        Assert.Equal(560, plan.Tocilizumab.SuggestedDoseMg);
        Assert.Contains("Dose 4 of at most 4", MedicationRequestFor(plan, "612865")!.DosageInstruction[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Plan_FourDosesInCourse_LimitReachedWithAlternatives()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1))
            .Tocilizumab(DaysAgo(2.5)).Tocilizumab(DaysAgo(2)).Tocilizumab(DaysAgo(1.5)).Tocilizumab(DaysAgo(1)), Assessments.Crs(grade: 2, t0: DaysAgo(3)));
        Assert.Null(MedicationRequestFor(plan, "612865"));
        Assert.Equal(4, plan.Tocilizumab.DosesTotal);
        Assert.Null(plan.Tocilizumab.NextAllowedAt);
        Assert.Contains("limit of 4 per course is reached", plan.Tocilizumab.LimitReason, StringComparison.Ordinal);
        Assert.Contains(plan.DetailLines, l => l.Contains("corticosteroids, siltuximab or anakinra", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_DoseFromPreviousCourse_NotCountedInTheCourse()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1))
            .Tocilizumab(DaysAgo(60))
            .Tocilizumab(DaysAgo(2.5)).Tocilizumab(DaysAgo(2)).Tocilizumab(DaysAgo(1.5)), Assessments.Crs(grade: 2, t0: DaysAgo(3)));
        Assert.Equal(3, plan.Tocilizumab.DosesTotal);
        Assert.Equal(560, plan.Tocilizumab.SuggestedDoseMg);
    }

    [Theory]
    [InlineData(AdministrationStatus.Completed)]
    [InlineData(AdministrationStatus.InProgress)]
    [InlineData(AdministrationStatus.Stopped)]
    public void Plan_EveryAcceptedAdministrationCountsTowardTheLimits(AdministrationStatus status)
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Tocilizumab(HoursAgo(2), status), Assessments.Crs(grade: 2));
        Assert.Equal(1, plan.Tocilizumab.DosesLast24h);
        Assert.Null(plan.Tocilizumab.SuggestedDoseMg);
    }

    [Fact]
    public void Plan_OtherDrugsAreNotTocilizumabDoses()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Drug("siltuximab", HoursAgo(2), Drug.Siltuximab, monoclonal: true), Assessments.Crs(grade: 2));
        Assert.Equal(0, plan.Tocilizumab.DosesLast24h);
        Assert.Equal(560, plan.Tocilizumab.SuggestedDoseMg);
    }

    // ---- per grade ----

    [Fact]
    public void Plan_Grade1_SupportiveTextOnly_LabsAndDiagnosis()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Culture(CultureResult.Pending, HoursAgo(2)), Assessments.Crs(grade: 1));
        Assert.Null(plan.Tocilizumab.SuggestedDoseMg);
        Assert.Null(plan.Tocilizumab.LimitReason);
        Assert.Null(MedicationRequestFor(plan, "612865"));
        Assert.Contains(plan.DetailLines, l => l.Contains("supportive care", StringComparison.Ordinal));
        Assert.Contains(plan.DetailLines, l => l.Contains("product- and institution-dependent", StringComparison.Ordinal));
        Assert.NotNull(ServiceRequestFor(plan, "1988-5"));
        Assert.NotNull(ServiceRequestFor(plan, "2276-4"));
        Assert.Equal("D89.831", ConditionOf(plan)!.Code!.Coding[0].Code);
        Assert.Empty(FhirAssert.AllValid(plan.Suggestions).OfType<MedicationRequest>());
    }

    [Fact]
    public void Plan_Grade3_TocilizumabDexamethasoneEchoIcu()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: 3));
        Assert.NotNull(MedicationRequestFor(plan, "612865"));
        var dex = MedicationRequestFor(plan, "3264");
        Assert.NotNull(dex);
        Assert.Equal(10m, ((Quantity)dex.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
        Assert.Equal(6m, dex.DosageInstruction[0].Timing!.Repeat!.Period);
        Assert.Equal(Timing.UnitsOfTime.H, dex.DosageInstruction[0].Timing!.Repeat!.PeriodUnit);
        Assert.Contains("every 6 hours", dex.DosageInstruction[0].Text, StringComparison.Ordinal);
        Assert.Null(MedicationRequestFor(plan, "6902"));
        Assert.NotNull(ServiceRequestFor(plan, "40701008"));
        Assert.Contains(plan.DetailLines, l => l.Contains("ICU-level care", StringComparison.Ordinal));
        Assert.Equal("D89.833", ConditionOf(plan)!.Code!.Coding[0].Code);
    }

    [Fact]
    public void Plan_Grade4_TocilizumabMethylprednisoloneIcu()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: 4));
        Assert.NotNull(MedicationRequestFor(plan, "612865"));
        var mp = MedicationRequestFor(plan, "6902");
        Assert.NotNull(mp);
        Assert.Equal(1000m, ((Quantity)mp.DosageInstruction[0].DoseAndRate[0].Dose!).Value);
        var bounds = Assert.IsType<Duration>(mp.DosageInstruction[0].Timing!.Repeat!.Bounds);
        Assert.Equal(3m, bounds.Value);
        Assert.Contains("for 3 days", mp.DosageInstruction[0].Text, StringComparison.Ordinal);
        Assert.Null(MedicationRequestFor(plan, "3264"));
        Assert.Contains(plan.DetailLines, l => l.Contains("ICU care", StringComparison.Ordinal));
        Assert.Equal("D89.834", ConditionOf(plan)!.Code!.Coding[0].Code);
    }

    [Theory]
    [InlineData(1, 1, "D89.831")]
    [InlineData(2, 2, "D89.832")]
    [InlineData(3, 3, "D89.833")]
    [InlineData(4, 4, "D89.834")]
    [InlineData(1, 2, "D89.839")]
    [InlineData(2, 3, "D89.839")]
    [InlineData(3, 4, "D89.839")]
    public void Plan_Diagnosis_Icd10CmByGradeOrUnspecifiedWhenIndeterminate(int grade, int upperBound, string code)
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: grade, upperBound: upperBound));
        var condition = ConditionOf(plan);
        Assert.NotNull(condition);
        var coding = Assert.Single(condition.Code!.Coding);
        Assert.Equal("http://hl7.org/fhir/sid/icd-10-cm", coding.System);
        Assert.Equal(code, coding.Code);
        Assert.Equal("provisional", condition.VerificationStatus!.Coding[0].Code);
        Assert.Equal("active", condition.ClinicalStatus!.Coding[0].Code);
        Assert.Equal("Patient/p1", condition.Subject!.Reference);
    }

    [Fact]
    public void Plan_NoCrs_NoSuggestions()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(FeverStatus.Afebrile, grade: 0));
        Assert.Empty(plan.Suggestions);
        Assert.Null(plan.Tocilizumab.SuggestedDoseMg);
        Assert.Contains(plan.DetailLines, l => l.Contains("CRS criteria are not met", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_FeverUnknown_UpperBoundLineButNoTreatment()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(FeverStatus.Unknown, grade: 0, upperBound: 1));
        Assert.Empty(plan.Suggestions);
        Assert.Contains(plan.DetailLines, l => l.Contains("allow up to grade 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_MaskedFever_LabsAndUnspecifiedDiagnosisNoTreatment()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Tocilizumab(HoursAgo(30)),
            Assessments.Crs(FeverStatus.Afebrile, grade: 0, upperBound: 1, feverWaived: true));
        Assert.Null(MedicationRequestFor(plan, "612865"));
        Assert.NotNull(ServiceRequestFor(plan, "1988-5"));
        Assert.Equal("D89.839", ConditionOf(plan)!.Code!.Coding[0].Code);
    }

    [Fact]
    public void Plan_NotEligible_Empty()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: 2, withInfusion: false) with { Eligible = false });
        Assert.Empty(plan.Suggestions);
        Assert.Empty(plan.DetailLines);
    }

    // ---- infection work-up on the CRS card ----

    [Fact]
    public void Plan_FeverNoCultureNoInfectionCard_SuggestsBloodCulturesHere()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: 1));
        var bc = ServiceRequestFor(plan, "600-7");
        Assert.NotNull(bc);
        Assert.Equal(RequestPriority.Stat, bc.Priority);
        Assert.Contains(plan.DetailLines, l => l.Contains("draw blood cultures", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_FeverNoCultureButInfectionCard_LeavesCulturesToThatCard()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Lab(LabAnalyte.Procalcitonin, 3m, HoursAgo(3)), Assessments.Crs(grade: 1));
        Assert.Null(ServiceRequestFor(plan, "600-7"));
        Assert.Contains(plan.DetailLines, l => l.Contains("on the infection card", StringComparison.Ordinal));
    }

    [Fact]
    public void Plan_FeverWithCultureToday_NoCultureSuggestion()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)).Culture(CultureResult.Pending, HoursAgo(5)), Assessments.Crs(grade: 1));
        Assert.Null(ServiceRequestFor(plan, "600-7"));
    }

    // ---- wire rules ----

    [Fact]
    public void Plan_EverySuggestionHasAUniqueUuidAndValidR4Resource()
    {
        var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade: 4, upperBound: 4));
        Assert.True(plan.Suggestions.Count >= 6);
        Assert.Equal(plan.Suggestions.Count, plan.Suggestions.Select(s => s.Uuid).Distinct().Count());
        Assert.All(plan.Suggestions, s => Assert.True(Guid.TryParse(s.Uuid, out _)));
        var resources = FhirAssert.AllValid(plan.Suggestions);
        Assert.All(resources.OfType<MedicationRequest>(), m =>
        {
            Assert.Equal(MedicationRequest.MedicationrequestStatus.Draft, m.Status);
            Assert.Equal(MedicationRequest.MedicationRequestIntent.Proposal, m.Intent);
            Assert.False(string.IsNullOrWhiteSpace(m.DosageInstruction[0].Text));
        });
        Assert.All(resources.OfType<ServiceRequest>(), s =>
        {
            Assert.Equal(RequestStatus.Draft, s.Status);
            Assert.Equal(RequestIntent.Proposal, s.Intent);
            Assert.Equal("Patient/p1", s.Subject!.Reference);
        });
    }

    [Fact]
    public void Plan_SuggestedDoseOnlyWithTheMedicationRequest()
    {
        foreach (var grade in new[] { 0, 1, 2, 3, 4 })
        {
            var plan = Plan(new TimelineBuilder().Weight(70m, DaysAgo(1)), Assessments.Crs(grade == 0 ? FeverStatus.Afebrile : FeverStatus.Febrile, grade: grade));
            Assert.Equal(MedicationRequestFor(plan, "612865") is not null, plan.Tocilizumab.SuggestedDoseMg is not null);
        }
    }
}
