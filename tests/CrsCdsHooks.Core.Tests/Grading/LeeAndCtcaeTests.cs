using System.Globalization;

using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>Lee 2014 and CTCAE v5.0 (CRS-SPEC §4, §9.13–16, §9.28–30).</summary>
public sealed class LeeAndCtcaeTests
{
    private static readonly DateTimeOffset Recent = AsOf.AddHours(-1);

    private static decimal D(string s) => decimal.Parse(s, CultureInfo.InvariantCulture);

    // ---- FiO2 (§4, §9.13, §9.28) ----

    [Theory]
    [InlineData("4", 2)] // 21 + 4 × 4 = 37 %
    [InlineData("5", 3)] // 41 %
    [InlineData("4.7", 3)] // 39.8 % rounds to 40 % (§9.5): at the threshold
    [InlineData("4.6", 2)] // 39.4 % → 39 %
    public void Grade_NasalCannulaFiO2Estimate(string litres, int grade)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula, flow: D(litres)).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(grade, grade), a.Ctcae().Shape());
        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
    }

    [Theory]
    [InlineData(4, 37)]
    [InlineData(5, 41)]
    [InlineData(2, 29)]
    public void EstimateNasalCannula_Is21Plus4PerLitre(int litres, int percent) =>
        Assert.Equal(percent, OxygenGrading.EstimateNasalCannula(litres));

    [Fact]
    public void Grade_NasalCannula4LWithRecordedFiO2_RecordedWins()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula, flow: 4m, fio2: 45).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
    }

    [Theory]
    [InlineData(39, 2)]
    [InlineData(40, 3)]
    public void Grade_RecordedFiO2AtTheThreshold(int fio2, int grade)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.VenturiMask, fio2: fio2).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(grade, grade), a.Ctcae().Shape());
    }

    [Fact]
    public void Grade_FlowAndFiO2WithoutDevice_FiO2GradesUpTo3()
    {
        var low = Day3Adult().Fever().Oxygen(Recent, null, flow: 4m, fio2: 30).Grade();
        var high = Day3Adult().Fever().Oxygen(Recent, null, flow: 4m, fio2: 45).Grade();

        Assert.Equal(new SystemGradeShape(2, 3), low.Lee().Shape());
        Assert.Equal(new SystemGradeShape(2, 3), low.Ctcae().Shape());
        Assert.Equal(new SystemGradeShape(3, 3), high.Lee().Shape());
    }

    [Fact]
    public void Grade_FiO2WithoutDeviceOrFlow_IsUpTo4()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, null, fio2: 30).Grade();

        Assert.Equal(new SystemGradeShape(2, 4), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(2, 4), a.Ctcae().Shape());
        Assert.Equal(new SystemGradeShape(2, 4), a.Astct().Shape());
    }

    [Theory]
    [InlineData("4", 2, 3)] // estimate 37 % < 40: upper bound 3
    [InlineData("5", 3, 3)]
    public void Grade_FlowWithoutDevice_UsesTheNasalCannulaEstimate(string litres, int grade, int upperBound)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, null, flow: D(litres)).Grade();

        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Lee().Shape());
    }

    [Theory]
    [InlineData(OxygenDevice.SimpleMask, 3, 3)]
    [InlineData(OxygenDevice.PartialRebreatherMask, 3, 3)]
    [InlineData(OxygenDevice.NonRebreatherMask, 3, 3)]
    [InlineData(OxygenDevice.RebreathingMask, 3, 3)] // §9.29
    [InlineData(OxygenDevice.BlowBy, 2, 2)]
    [InlineData(OxygenDevice.VenturiMask, 2, 3)]
    [InlineData(OxygenDevice.AerosolMask, 2, 3)]
    [InlineData(OxygenDevice.FaceTent, 2, 3)]
    [InlineData(OxygenDevice.TracheostomyMask, 2, 3)]
    [InlineData(OxygenDevice.HighFlowNasalCannula, 2, 3)]
    [InlineData(OxygenDevice.NasalCannula, 2, 3)] // no flow
    [InlineData(OxygenDevice.Cpap, 4, 4)]
    [InlineData(OxygenDevice.Bipap, 4, 4)]
    [InlineData(OxygenDevice.MechanicalVentilation, 4, 4)]
    public void Grade_DeviceWithoutRecordedFiO2_LeeAndCtcae(OxygenDevice device, int grade, int upperBound)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, device).Grade();

        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Ctcae().Shape());
        if (upperBound > grade) Assert.True(a.HasGap(DataGapCodes.FiO2Indeterminate) || a.HasGap(DataGapCodes.OxygenDeviceIncomplete));
    }

    // ---- Vasopressors: counting (§9.14) ----

    [Fact]
    public void Grade_NorepinephrineWithVasopressinOverlapping_CtcaeCountsVasopressin()
    {
        var a = Day3Adult().Fever()
            .Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(5))
            .Running(Drug.Vasopressin, AsOf.AddHours(-1))
            .Grade();

        Assert.Equal(3, a.Astct().Grade);
        Assert.Equal(new SystemGradeShape(2, 2), a.Lee().Shape()); // vasopressin + NE-eq 5 < 10, and only for 1 h
        Assert.Equal(4, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_NorepinephrineThenVasopressinNotOverlapping_CtcaeIs3()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-8), AsOf.AddHours(-4), rate: PerMinute(5))
            .Drug(Drug.Vasopressin, AsOf.AddHours(-4), AsOf.AddHours(-1))
            .Grade();

        Assert.Equal(3, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_TwoNonVasopressinAgentsOverlapping_AreLeeMultiple()
    {
        var a = Day3Adult().Fever()
            .Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(3))
            .Running(Drug.Phenylephrine, AsOf.AddHours(-1), PerMinute(40))
            .Grade();

        Assert.Equal(3, a.Lee().Grade);
        Assert.Equal(4, a.Ctcae().Grade);
        Assert.Equal(4, a.Astct().Grade);
    }

    [Fact]
    public void Grade_HypotensionWithoutVasopressor_IsLee2ResponsiveToFluids()
    {
        var a = Adult().Fever().Pressure(Recent, 80, 40).Grade();

        Assert.Equal(2, a.Lee().Grade);
        Assert.Equal(2, a.Ctcae().Grade);
    }

    // ---- Lee high dose (§4, §9.15, §9.30) ----

    [Theory]
    [InlineData("20", 3)]
    [InlineData("19", 2)]
    [InlineData("19.5", 3)] // rounded to the threshold's decimals (§9.31): 19.5 → 20
    [InlineData("19.4", 2)]
    public void Grade_NorepinephrineAtTheHighDoseThresholdFor4Hours(string microgramsPerMinute, int lee)
    {
        var a = Day3Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-4), PerMinute(D(microgramsPerMinute))).Grade();

        Assert.Equal(new SystemGradeShape(lee, lee), a.Lee().Shape());
        Assert.Equal(3, a.Astct().Grade);
    }

    [Theory]
    [InlineData(Drug.Epinephrine, "10", 3)]
    [InlineData(Drug.Epinephrine, "9", 2)]
    [InlineData(Drug.Phenylephrine, "200", 3)]
    [InlineData(Drug.Phenylephrine, "199", 2)]
    public void Grade_SingleAgentHighDoseThresholds(Drug agent, string microgramsPerMinute, int lee)
    {
        var a = Day3Adult().Fever().Running(agent, AsOf.AddHours(-5), PerMinute(D(microgramsPerMinute))).Grade();

        Assert.Equal(lee, a.Lee().Grade);
    }

    [Theory]
    [InlineData(179, 2)] // 2 h 59 min
    [InlineData(180, 3)] // 3 h
    public void Grade_HighDoseSustained(int minutes, int lee)
    {
        var a = Day3Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddMinutes(-minutes), PerMinute(25)).Grade();

        Assert.Equal(new SystemGradeShape(lee, lee), a.Lee().Shape());
    }

    [Fact]
    public void Grade_HighDoseAcrossConsecutiveAdministrationsOfOneAgent_ChainsIntoOneRun()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-5), AsOf.AddHours(-3.5), AdministrationStatus.Completed, PerMinute(22))
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-3.5), AsOf.AddHours(-1.5), AdministrationStatus.Completed, PerMinute(30))
            .Grade();

        Assert.Equal(3, a.Lee().Grade);
    }

    [Fact]
    public void Grade_HighDoseRunsBrokenByAGap_AreNotSustained()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-5), AsOf.AddHours(-3.5), AdministrationStatus.Completed, PerMinute(22))
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-3.4), AsOf.AddHours(-1.5), AdministrationStatus.Completed, PerMinute(30))
            .Grade();

        Assert.Equal(2, a.Lee().Grade);
    }

    [Fact]
    public void Grade_HighDoseRateDroppingBelowTheThreshold_BreaksTheRun()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-5), AsOf.AddHours(-3), AdministrationStatus.Completed, PerMinute(25))
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-3), AsOf.AddHours(-2), AdministrationStatus.Completed, PerMinute(10))
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-2), AsOf, AdministrationStatus.Completed, PerMinute(25))
            .Grade();

        Assert.Equal(2, a.Lee().Grade);
    }

    [Fact]
    public void Grade_HourlyRateChartingAtPoints_CountsOneHourEach()
    {
        var a = Day3Adult().Fever()
            .DrugAt(Drug.Norepinephrine, AsOf.AddHours(-3), PerMinute(24))
            .DrugAt(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(24))
            .DrugAt(Drug.Norepinephrine, AsOf.AddHours(-1), PerMinute(24))
            .Grade();

        Assert.Equal(3, a.Lee().Grade);
    }

    [Fact]
    public void Grade_HighDoseBeforeTheWindow_CountsOnlyInside()
    {
        // 25 µg/min from 26 h to 22 h before asOf: only 2 h lie inside the window.
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-26), AsOf.AddHours(-22), AdministrationStatus.Completed, PerMinute(25))
            .Grade();

        Assert.Equal(2, a.Lee().Grade);
    }

    [Theory]
    [InlineData(Drug.Norepinephrine, "10", 3)]
    [InlineData(Drug.Norepinephrine, "9", 2)]
    [InlineData(Drug.Phenylephrine, "100", 3)] // ÷ 10
    [InlineData(Drug.Phenylephrine, "90", 2)]
    [InlineData(Drug.Epinephrine, "9.5", 3)] // 9.5 → 10 after rounding to the threshold's decimals
    public void Grade_VasopressinPlusNorepinephrineEquivalent(Drug agent, string microgramsPerMinute, int lee)
    {
        var a = Day3Adult().Fever()
            .Running(Drug.Vasopressin, AsOf.AddHours(-5))
            .Running(agent, AsOf.AddHours(-4), PerMinute(D(microgramsPerMinute)))
            .Grade();

        Assert.Equal(lee, a.Lee().Grade);
        Assert.Equal(4, a.Ctcae().Grade);
        Assert.Equal(3, a.Astct().Grade);
    }

    [Theory]
    [InlineData("20", 3)] // dopamine 20 µg/kg/min ÷ 2 = 10 (and ≥ 10 alone)
    [InlineData("9", 2)] // below both: NE-eq 4.5, and < 10 alone
    public void Grade_VasopressinPlusDopamine(string microgramsPerKilogram, int lee)
    {
        var a = Day3Adult().Fever()
            .Running(Drug.Vasopressin, AsOf.AddHours(-5))
            .Running(Drug.Dopamine, AsOf.AddHours(-4), PerKilogram(D(microgramsPerKilogram)))
            .Grade();

        Assert.Equal(lee, a.Lee().Grade);
    }

    [Fact]
    public void Grade_VasopressinOverlapShorterThan3Hours_IsNotSustained()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Vasopressin, AsOf.AddHours(-2), AsOf)
            .Running(Drug.Norepinephrine, AsOf.AddHours(-6), PerMinute(15))
            .Grade();

        Assert.Equal(2, a.Lee().Grade);
    }

    [Fact]
    public void Grade_DopaminePerKilogramWithoutWeight_NeedsNoWeight()
    {
        var a = Day3Adult().Fever().Running(Drug.Dopamine, AsOf.AddHours(-4), PerKilogram(10)).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Lee().Shape());
        Assert.False(a.HasGap(DataGapCodes.NoWeight));
    }

    [Theory]
    [InlineData("800", 3)] // 800 µg/min ÷ 80 kg = 10 µg/kg/min
    [InlineData("780", 3)] // 9.75 → 10 after rounding to the threshold's decimals
    [InlineData("720", 2)] // 9 µg/kg/min
    public void Grade_DopaminePerMinuteWithWeight(string microgramsPerMinute, int lee)
    {
        var a = Day3Adult().Fever().Weight(AsOf.AddDays(-2), 80m)
            .Running(Drug.Dopamine, AsOf.AddHours(-4), PerMinute(D(microgramsPerMinute))).Grade();

        Assert.Equal(new SystemGradeShape(lee, lee), a.Lee().Shape());
    }

    [Fact]
    public void Grade_DopaminePerMinuteJustBelowAfterRounding_IsNotHighDose()
    {
        // 756 µg/min ÷ 80 kg = 9.45 µg/kg/min → 9 after rounding to the threshold's decimals.
        var a = Day3Adult().Fever().Weight(AsOf.AddDays(-2), 80m)
            .Running(Drug.Dopamine, AsOf.AddHours(-4), PerMinute(756)).Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Lee().Shape());
    }

    [Fact]
    public void Grade_DopaminePerMinuteWithoutWeight_IsRateUnknown2UpTo3()
    {
        var a = Day3Adult().Fever().Running(Drug.Dopamine, AsOf.AddHours(-4), PerMinute(800)).Grade();

        Assert.Equal(new SystemGradeShape(2, 3), a.Lee().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoWeight));
        Assert.True(a.HasGap(DataGapCodes.RateUnknown));
        Assert.Contains(a.Lee().UpperBoundWhy, w => w.StartsWith("no weight", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, 3, 3)] // 0.25 µg/kg/min × 80 kg = 20 µg/min
    [InlineData(false, 2, 3)]
    public void Grade_NorepinephrinePerKilogram(bool weighed, int grade, int upperBound)
    {
        var b = Day3Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-4), PerKilogram(0.25m));
        if (weighed) b.Weight(AsOf.AddDays(-1), 80m);

        var a = b.Grade();

        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Lee().Shape());
        Assert.Equal(3, a.Astct().Grade);
    }

    [Fact]
    public void Grade_WeightOlderThan30Days_IsNoWeight()
    {
        var a = Day3Adult().Fever().Weight(AsOf.AddDays(-31), 80m).Running(Drug.Norepinephrine, AsOf.AddHours(-4), PerKilogram(0.25m)).Grade();

        Assert.Equal(new SystemGradeShape(2, 3), a.Lee().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoWeight));
    }

    [Fact]
    public void Grade_RateNotRecordedForALongRun_Is2UpTo3()
    {
        var a = Day3Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-4)).Grade();

        Assert.Equal(new SystemGradeShape(2, 3), a.Lee().Shape());
        Assert.True(a.HasGap(DataGapCodes.RateUnknown));
        Assert.False(a.HasGap(DataGapCodes.NoWeight));
    }

    [Fact]
    public void Grade_RateNotRecordedForAShortRun_Is2UpTo2()
    {
        var a = Day3Adult().Fever().DrugAt(Drug.Norepinephrine, AsOf.AddHours(-2)).Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Lee().Shape());
        Assert.False(a.HasGap(DataGapCodes.RateUnknown));
    }

    // ---- Organ toxicity (§4, §9.16) ----

    [Theory]
    [InlineData(LabAnalyte.Creatinine, "1.8", 0)] // 1.5 × 1.2 = 1.8: not above
    [InlineData(LabAnalyte.Creatinine, "1.9", 2)]
    [InlineData(LabAnalyte.Creatinine, "3.7", 3)] // > 3.6
    [InlineData(LabAnalyte.Creatinine, "7.3", 4)] // > 7.2
    [InlineData(LabAnalyte.Bilirubin, "12.1", 4)] // ULN 1.2: > 12.0 (compared to the ULN's decimals)
    [InlineData(LabAnalyte.Bilirubin, "12.04", 3)] // rounds to 12.0: not above
    [InlineData(LabAnalyte.AlanineAminotransferase, "121", 2)] // ULN 40: > 120
    [InlineData(LabAnalyte.AlanineAminotransferase, "201", 3)] // > 200
    [InlineData(LabAnalyte.AspartateAminotransferase, "801", 3)] // grade 4 transaminitis → Lee 3
    public void Grade_OrganToxicityBands(LabAnalyte analyte, string value, int lee)
    {
        var uln = analyte is LabAnalyte.Creatinine or LabAnalyte.Bilirubin ? 1.2m : 40m;
        var a = Day3Adult().Fever().Lab(analyte, Recent, D(value), analyte is LabAnalyte.Creatinine or LabAnalyte.Bilirubin ? "mg/dL" : "U/L", uln).Grade();

        Assert.Equal(new SystemGradeShape(Math.Max(1, lee), Math.Max(1, lee)), a.Lee().Shape());
    }

    [Fact]
    public void Grade_OrganLabWithoutUln_IsNotGradedAndRaisesNoBound()
    {
        var a = Day3Adult().Fever().Lab(LabAnalyte.Creatinine, Recent, 9.0m, "mg/dL", null).Grade();

        Assert.Equal(new SystemGradeShape(1, 1), a.Lee().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoUpperLimitOfNormal));
    }

    [Fact]
    public void Grade_OrganToxicityWithoutFever_IsNotCrs()
    {
        var a = Day3Adult().Temperature(Recent, 37.0m).Lab(LabAnalyte.Creatinine, Recent, 9.0m, "mg/dL", 1.2m).Grade();

        Assert.Equal(new SystemGradeShape(0, 0), a.Lee().Shape());
    }

    [Fact]
    public void Grade_OrganLabOutsideTheWindow_IsNotUsed()
    {
        var a = Day3Adult().Fever().Lab(LabAnalyte.Creatinine, AsOf.AddHours(-25), 9.0m, "mg/dL", 1.2m).Grade();

        Assert.Equal(1, a.Lee().Grade);
    }
}
