using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Differential.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Differential;

public sealed class SepsisScreenTests
{
    private static DifferentialFinding Screen(TimelineBuilder b, CrsAssessment? crs = null) =>
        SepsisScreen.Screen(b.Build(), crs ?? Assessments.Crs(FeverStatus.Afebrile, grade: 0));

    [Fact]
    public void Screen_NothingRecorded_IsNoneFound()
    {
        var f = Screen(new TimelineBuilder());
        Assert.Equal(FindingLevel.NoneFound, f.Level);
        Assert.Empty(f.Reasons);
    }

    // ---- procalcitonin (33959-8), 48 h, compared at 0.01 ng/mL ----

    [Theory]
    [InlineData("0.44", FindingLevel.NoneFound, null)]
    [InlineData("0.49", FindingLevel.NoneFound, null)]
    [InlineData("0.494", FindingLevel.NoneFound, null)]
    [InlineData("0.495", FindingLevel.Possible, SepsisReasons.ProcalcitoninIntermediate)]
    [InlineData("0.5", FindingLevel.Possible, SepsisReasons.ProcalcitoninIntermediate)]
    [InlineData("1.99", FindingLevel.Possible, SepsisReasons.ProcalcitoninIntermediate)]
    [InlineData("1.994", FindingLevel.Possible, SepsisReasons.ProcalcitoninIntermediate)]
    [InlineData("1.995", FindingLevel.Likely, SepsisReasons.ProcalcitoninHigh)]
    [InlineData("2.0", FindingLevel.Likely, SepsisReasons.ProcalcitoninHigh)]
    [InlineData("35", FindingLevel.Likely, SepsisReasons.ProcalcitoninHigh)]
    public void Screen_Procalcitonin_BoundariesAfterRounding(string value, FindingLevel level, string? reason)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), HoursAgo(6)));
        Assert.Equal(level, f.Level);
        if (reason is null) Assert.Empty(f.Reasons);
        else Assert.Equal([reason], f.Reasons);
    }

    [Fact]
    public void Screen_ProcalcitoninRoundedUp_EvidenceShowsValueAndRounding()
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 1.995m, HoursAgo(6)));
        var e = Assert.Single(f.Evidence);
        Assert.Equal("procalcitonin", e.Criterion);
        Assert.Contains("1.995 ng/mL", e.Finding, StringComparison.Ordinal);
        Assert.Contains("rounds to 2.00", e.Finding, StringComparison.Ordinal);
        Assert.Equal(HoursAgo(6), e.Time);
        Assert.Single(e.Sources);
        Assert.StartsWith("Observation/", e.Sources[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(47.9, FindingLevel.Likely)]
    [InlineData(48.0, FindingLevel.Likely)]
    [InlineData(48.1, FindingLevel.NoneFound)]
    public void Screen_Procalcitonin_Only48HoursBackCount(double hoursAgo, FindingLevel level)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 5m, HoursAgo(hoursAgo)));
        Assert.Equal(level, f.Level);
    }

    [Fact]
    public void Screen_HighAndIntermediateProcalcitonin_HighestWins()
    {
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.Procalcitonin, 0.8m, HoursAgo(30))
            .Lab(LabAnalyte.Procalcitonin, 2.4m, HoursAgo(6)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Equal([SepsisReasons.ProcalcitoninHigh], f.Reasons);
        Assert.Contains("2.4 ng/mL", Assert.Single(f.Evidence).Finding, StringComparison.Ordinal);
    }

    // ---- febrile neutropenia: measured fever in the window + ANC < 0.50 × 10⁹/L in 48 h ----

    [Theory]
    [InlineData("0.1", true)]
    [InlineData("0.49", true)]
    [InlineData("0.494", true)]
    [InlineData("0.495", false)]
    [InlineData("0.5", false)]
    [InlineData("1.2", false)]
    public void Screen_FeverWithAnc_NeutropeniaBoundary(string anc, bool febrileNeutropenia)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, decimal.Parse(anc, System.Globalization.CultureInfo.InvariantCulture), HoursAgo(10)),
            Assessments.Crs(FeverStatus.Febrile));
        Assert.Equal(febrileNeutropenia, f.Reasons.Contains(SepsisReasons.FebrileNeutropenia));
        Assert.Equal(febrileNeutropenia ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_FebrileNeutropenia_NotesAntibioticsWithinOneHourAndShowsFeverAndAnc()
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.2m, HoursAgo(10)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Contains(f.Notes, n => n.Contains("antibiotics within 1 hour", StringComparison.Ordinal) && n.Contains("Taplitz 2018", StringComparison.Ordinal));
        Assert.Contains(f.Evidence, e => e.Criterion == "fever" && e.Finding.Contains("38.6 °C", StringComparison.Ordinal));
        Assert.Contains(f.Evidence, e => e.Criterion == "absolute-neutrophil-count" && e.Finding.Contains("0.2 × 10⁹/L", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(FeverStatus.Afebrile)]
    [InlineData(FeverStatus.Unknown)]
    public void Screen_NeutropeniaWithoutMeasuredFever_IsNotFebrileNeutropenia(FeverStatus fever)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.1m, HoursAgo(10)), Assessments.Crs(fever, grade: 0));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_NeutropeniaWithMaskedFever_IsNotFebrileNeutropenia()
    {
        // §9.18: a masked fever (waiver) does not count
        var toci = new DrugAdministration("MedicationAdministration/t1", Drug.Tocilizumab, "tocilizumab", ["tocilizumab"], ["612865"],
            TimeInterval.At(HoursAgo(30)), AdministrationStatus.Completed, null, null);
        var crs = Assessments.Crs(FeverStatus.Afebrile, grade: 0, upperBound: 1, feverWaived: true, maskingDrug: toci);
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.1m, HoursAgo(10)), crs);
        Assert.Equal(FindingLevel.NoneFound, f.Level);
        Assert.DoesNotContain(SepsisReasons.FebrileNeutropenia, f.Reasons);
        Assert.Contains(f.Notes, n => n.Contains("masked by tocilizumab", StringComparison.Ordinal) && n.Contains("not excluded", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(47.5, true)]
    [InlineData(48.5, false)]
    public void Screen_AncOlderThan48Hours_DoesNotCount(double hoursAgo, bool counts)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.1m, HoursAgo(hoursAgo)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Equal(counts, f.Reasons.Contains(SepsisReasons.FebrileNeutropenia));
    }

    [Fact]
    public void Screen_RecoveredAncAfterLowAnc_LowestIn48HoursCounts()
    {
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.3m, HoursAgo(30))
            .Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.9m, HoursAgo(2)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Contains(SepsisReasons.FebrileNeutropenia, f.Reasons);
    }

    // ---- late fever: a fever in the window measured more than 14 days after T0 ----

    [Theory]
    [InlineData(14 * 24 * 60 - 1, false)]   // 13 d 23 h 59 min after T0 (day 13)
    [InlineData(14 * 24 * 60, false)]       // exactly 14 days: not "more than"
    [InlineData(14 * 24 * 60 + 1, true)]    // 14 d 0 h 1 min (day 14)
    [InlineData(15 * 24 * 60, true)]        // day 15
    public void Screen_FeverAfterDay14_IsLateFever(int minutesAfterT0, bool late)
    {
        var feverAt = HoursAgo(2); // inside the window (asOf - 24 h, asOf]
        var t0 = feverAt - TimeSpan.FromMinutes(minutesAfterT0);
        var b = new TimelineBuilder().Infusion(t0).Temperature(38.3m, feverAt);
        var crs = Assessments.Crs(FeverStatus.Febrile, t0: t0,
            highest: new BodyTemperature("Observation/x", feverAt, 38.3m, new RecordedValue(38.3m, "Cel")));
        var f = SepsisScreen.Screen(b.Build(), crs);
        Assert.Equal(late, f.Reasons.Contains(SepsisReasons.LateFever));
    }

    [Fact]
    public void Screen_LateFever_EvidenceNamesDayAfterInfusion()
    {
        var t0 = DaysAgo(15.5);
        var b = new TimelineBuilder().Infusion(t0).Temperature(38.9m, HoursAgo(1));
        var f = SepsisScreen.Screen(b.Build(), Assessments.Crs(FeverStatus.Febrile, t0: t0));
        Assert.Equal(FindingLevel.Possible, f.Level);
        Assert.Contains(f.Evidence, e => e.Criterion == "fever" && e.Finding.Contains("day 15", StringComparison.Ordinal) && e.Finding.Contains("38.9 °C", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_AfebrileOnDay20_IsNotLateFever()
    {
        var t0 = DaysAgo(20);
        var b = new TimelineBuilder().Infusion(t0).Temperature(38.5m, DaysAgo(3)).Temperature(37.0m, HoursAgo(1));
        var f = SepsisScreen.Screen(b.Build(), Assessments.Crs(FeverStatus.Afebrile, grade: 0, t0: t0));
        Assert.DoesNotContain(SepsisReasons.LateFever, f.Reasons);
    }

    [Fact]
    public void Screen_FeverOnDay10_IsNotLateFever()
    {
        var t0 = DaysAgo(10);
        var b = new TimelineBuilder().Infusion(t0).Temperature(38.5m, HoursAgo(1));
        var f = SepsisScreen.Screen(b.Build(), Assessments.Crs(FeverStatus.Febrile, t0: t0));
        Assert.DoesNotContain(SepsisReasons.LateFever, f.Reasons);
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }

    // ---- blood culture: positive in 7 days (the reader classifies Positive/Negative/Pending) ----

    [Theory]
    [InlineData(6 * 24 + 23.9, true)]
    [InlineData(7 * 24, true)]
    [InlineData(7 * 24 + 0.1, false)]
    public void Screen_PositiveCulture_SevenDayEdge(double hoursAgo, bool likely)
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Positive, HoursAgo(hoursAgo), "Escherichia coli"));
        Assert.Equal(likely ? FindingLevel.Likely : FindingLevel.NoneFound, f.Level);
    }

    [Fact]
    public void Screen_PositiveCulture_EvidenceNamesOrganism()
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Positive, HoursAgo(20), "Gram-negative rods"));
        Assert.Equal([SepsisReasons.PositiveBloodCulture], f.Reasons);
        var e = Assert.Single(f.Evidence);
        Assert.Equal("blood-culture", e.Criterion);
        Assert.Contains("Gram-negative rods", e.Finding, StringComparison.Ordinal);
    }

    [Fact]
    public void Screen_PositiveCultureWithoutOrganismName_StillLikely()
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Positive, HoursAgo(20)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Contains("organism not named", Assert.Single(f.Evidence).Finding, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CultureResult.Negative)]
    [InlineData(CultureResult.Pending)]
    public void Screen_NegativeOrPendingCulture_IsNotPositive(CultureResult result)
    {
        var f = Screen(new TimelineBuilder().Culture(result, HoursAgo(20)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
        Assert.DoesNotContain(SepsisReasons.PositiveBloodCulture, f.Reasons);
    }

    [Fact]
    public void Screen_PendingCulture_NotedForFollowUp()
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Pending, HoursAgo(20)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Contains(f.Notes, n => n.Contains("not final", StringComparison.Ordinal));
    }

    // ---- active sepsis diagnoses ----

    [Theory]
    [InlineData(FindingKind.Sepsis)]
    [InlineData(FindingKind.SepticShock)]
    [InlineData(FindingKind.BacterialSepsis)]
    [InlineData(FindingKind.Bacteremia)]
    public void Screen_ActiveSepsisDiagnosis_IsLikely(FindingKind kind)
    {
        var f = Screen(new TimelineBuilder().Finding(kind, DaysAgo(10)));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Equal([SepsisReasons.SepsisDiagnosis], f.Reasons);
    }

    [Theory]
    [InlineData(FindingKind.Urticaria)]
    [InlineData(FindingKind.Bronchospasm)]
    public void Screen_AnaphylaxisFinding_IsNotSepsis(FindingKind kind)
    {
        Assert.Equal(FindingLevel.NoneFound, Screen(new TimelineBuilder().Finding(kind, HoursAgo(2))).Level);
    }

    // ---- lactate ≥ 4.0 mmol/L in 24 h ----

    [Theory]
    [InlineData("3.9", false)]
    [InlineData("3.94", false)]
    [InlineData("3.95", true)]
    [InlineData("4.0", true)]
    [InlineData("6.2", true)]
    public void Screen_Lactate_Boundary(string value, bool high)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Lactate, decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), HoursAgo(3)));
        Assert.Equal(high ? FindingLevel.Possible : FindingLevel.NoneFound, f.Level);
        Assert.Equal(high, f.Reasons.Contains(SepsisReasons.LactateHigh));
    }

    [Theory]
    [InlineData(23.9, true)]
    [InlineData(24.1, false)]
    public void Screen_Lactate_Only24HoursBackCount(double hoursAgo, bool counts)
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Lactate, 5m, HoursAgo(hoursAgo)));
        Assert.Equal(counts, f.Reasons.Contains(SepsisReasons.LactateHigh));
    }

    // ---- combinations and notes ----

    [Fact]
    public void Screen_LikelyAndPossibleTogether_LikelyWithAllReasonsLikelyFirst()
    {
        var f = Screen(new TimelineBuilder()
            .Lab(LabAnalyte.Lactate, 4.4m, HoursAgo(3))
            .Lab(LabAnalyte.AbsoluteNeutrophilCount, 0.1m, HoursAgo(3))
            .Culture(CultureResult.Positive, HoursAgo(30), "Klebsiella pneumoniae"), Assessments.Crs(FeverStatus.Febrile));
        Assert.Equal(FindingLevel.Likely, f.Level);
        Assert.Equal([SepsisReasons.PositiveBloodCulture, SepsisReasons.FebrileNeutropenia, SepsisReasons.LactateHigh], f.Reasons);
    }

    [Fact]
    public void Screen_FeverWithoutRecentCulture_SaysInfectionNotExcludedAndSuggestsCultures()
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Negative, HoursAgo(30)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
        Assert.Contains(f.Notes, n => n.Contains("infection is not excluded", StringComparison.Ordinal));
        Assert.Contains(f.Notes, n => n.Contains("No blood culture collected in the last 24 h", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_FeverWithCultureDrawnToday_DoesNotAskForCultures()
    {
        var f = Screen(new TimelineBuilder().Culture(CultureResult.Pending, HoursAgo(3)), Assessments.Crs(FeverStatus.Febrile));
        Assert.Contains(f.Notes, n => n.Contains("infection is not excluded", StringComparison.Ordinal));
        Assert.DoesNotContain(f.Notes, n => n.Contains("No blood culture", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_NoFever_NoInfectionNote()
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Lactate, 4.4m, HoursAgo(3)));
        Assert.DoesNotContain(f.Notes, n => n.Contains("not excluded", StringComparison.Ordinal));
    }

    [Fact]
    public void Screen_ResultsTimedAfterAsOfBeyondSkew_AreIgnored()
    {
        var f = Screen(new TimelineBuilder().Lab(LabAnalyte.Procalcitonin, 9m, AsOf + TimeSpan.FromMinutes(10)));
        Assert.Equal(FindingLevel.NoneFound, f.Level);
    }
}
