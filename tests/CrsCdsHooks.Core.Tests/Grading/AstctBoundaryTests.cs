using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>Boundary theories of ASTCT 2019 grading (CRS-SPEC §3, §9): each threshold from both sides.</summary>
public sealed class AstctBoundaryTests
{
    private static readonly DateTimeOffset Recent = AsOf.AddHours(-1);

    [Theory]
    [InlineData("37.9", FeverStatus.Afebrile, 0)]
    [InlineData("38.0", FeverStatus.Febrile, 1)]
    [InlineData("38.1", FeverStatus.Febrile, 1)]
    public void Grade_TemperatureAtTheFeverThreshold(string celsius, FeverStatus fever, int grade)
    {
        var a = Day3Adult().Temperature(Recent, decimal.Parse(celsius, System.Globalization.CultureInfo.InvariantCulture)).Grade();

        Assert.Equal(fever, a.Fever);
        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FahrenheitFever_ShowsTheValueAsRecordedBesideCelsius()
    {
        var a = Day3Adult().Temperature(Recent, 38.4m, new RecordedValue(101.1m, "[degF]")).Grade();

        var fever = Assert.Single(a.Evidence, e => e.Criterion == "fever");
        Assert.Equal("38.4 °C (recorded 101.1 [degF])", fever.Value);
    }

    [Theory]
    [InlineData("6.0", 2)]
    [InlineData("6.1", 3)]
    public void Grade_NasalCannulaFlowAtTheLowFlowLimit(string litres, int grade)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula, flow: decimal.Parse(litres, System.Globalization.CultureInfo.InvariantCulture)).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Theory]
    [InlineData(10, 89, 2)]
    [InlineData(10, 90, 1)]
    [InlineData(9, 87, 2)] // 70 + 2 × 9 = 88: below it
    [InlineData(9, 88, 1)]
    [InlineData(10, 88, 2)] // from 10 years the adult 90 applies
    [InlineData(1, 71, 2)] // 70 + 2 × 1 = 72
    [InlineData(1, 72, 1)]
    public void Grade_SystolicAtTheAgeThreshold(int ageYears, int systolic, int grade)
    {
        var a = new TimelineBuilder().AgedYears(ageYears).Infusion(T0).Fever().Pressure(Recent, systolic, 50).Grade();

        Assert.Equal(grade == 2, a.Hypotension);
        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Theory]
    [InlineData(69, 2)]
    [InlineData(70, 1)]
    public void Grade_InfantSixMonthsSystolicAt70(int systolic, int grade)
    {
        var sixMonths = DateOnly.FromDateTime(AsOf.UtcDateTime).AddMonths(-6);
        var a = new TimelineBuilder().BornOn(sixMonths).Infusion(T0).Fever().Pressure(Recent, systolic, 40).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Theory]
    [InlineData(17, 1)] // MAP is not used under 18 years
    [InlineData(18, 2)]
    public void Grade_MeanArterialPressure60WithNormalSystolic_CountsFrom18Years(int ageYears, int grade)
    {
        var a = new TimelineBuilder().AgedYears(ageYears).Infusion(T0).Fever().Pressure(Recent, 100, 40, 60).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Fact]
    public void Grade_MeanArterialPressureOnlyInAChild_IsNoBloodPressure()
    {
        var a = new TimelineBuilder().AgedYears(12).Infusion(T0).Fever().Pressure(Recent, null, null, 60).Grade();

        Assert.Equal(new SystemGradeShape(1, 2), a.Astct().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoBloodPressure));
    }

    [Fact]
    public void Grade_NoBirthDate_UsesAdultThresholdsAndNamesTheGap()
    {
        var a = new TimelineBuilder().Infusion(T0).Fever().Pressure(Recent, 89, 50).Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoBirthDate));
    }

    [Theory]
    [InlineData(-24 * 60, false)] // exactly asOf − 24 h: outside (the window is open at its start)
    [InlineData(-24 * 60 + 1, true)]
    [InlineData(0, true)] // exactly asOf: inside
    [InlineData(5, true)] // up to 5 minutes after asOf: clock skew the reader keeps (CRS-SPEC §9.2)
    [InlineData(6, false)]
    public void Grade_FeverAtTheWindowEdges(int minutesFromAsOf, bool inWindow)
    {
        var a = Day3Adult().Temperature(AsOf.AddMinutes(minutesFromAsOf), 38.6m).Temperature(AsOf.AddHours(-3), 37.0m).Grade();

        Assert.Equal(inWindow ? FeverStatus.Febrile : FeverStatus.Afebrile, a.Fever);
        Assert.Equal(inWindow ? 1 : 0, a.Astct().Grade);
    }

    [Theory]
    [InlineData(-24 * 60, 1)] // a vasopressor that ended exactly at the window start does not overlap it
    [InlineData(-24 * 60 + 1, 3)]
    public void Grade_VasopressorEndingAtTheWindowStart(int endMinutesFromAsOf, int grade)
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-30), AsOf.AddMinutes(endMinutesFromAsOf), rate: PerMinute(5))
            .Grade();

        Assert.Equal(grade, a.Astct().Grade);
    }

    [Fact]
    public void Grade_VasopressorBolusBeforeTheWindow_CountsForOneHour()
    {
        var inside = Day3Adult().Fever().DrugAt(Drug.Phenylephrine, AsOf.AddHours(-24).AddMinutes(-30)).Grade();
        var outside = Day3Adult().Fever().DrugAt(Drug.Phenylephrine, AsOf.AddHours(-25)).Grade();

        Assert.Equal(3, inside.Astct().Grade);
        Assert.Equal(1, outside.Astct().Grade);
    }

    [Fact]
    public void Grade_SequentialNonVasopressinAgents_AreOneAgentAtATime()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-8), AsOf.AddHours(-4), rate: PerMinute(8))
            .Drug(Drug.Phenylephrine, AsOf.AddHours(-4), AsOf.AddHours(-1), rate: PerMinute(100))
            .Grade();

        Assert.Equal(3, a.Astct().Grade);
        Assert.Equal(3, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_TwoAdministrationsOfOneAgent_AreNotTwoAgents()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-8), AsOf.AddHours(-2), rate: PerMinute(8))
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-3), AsOf.AddHours(-1), rate: PerMinute(12))
            .Grade();

        Assert.Equal(3, a.Astct().Grade);
        Assert.Equal(3, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_VasopressorWithNormalPressures_StillCounts()
    {
        var a = Adult().Fever().Pressure(Recent, 124, 70, 88).Running(Drug.Epinephrine, AsOf.AddHours(-2), PerMinute(2)).Grade();

        Assert.False(a.Hypotension);
        Assert.Equal(3, a.Astct().Grade);
        Assert.Equal(2, a.Lee().Grade);
        Assert.Equal(3, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_VasopressinAlone_IsGrade3()
    {
        var a = Day3Adult().Fever().Running(Drug.Vasopressin, AsOf.AddHours(-2)).Grade();

        Assert.Equal(3, a.Astct().Grade);
        Assert.Equal(2, a.Lee().Grade);
        Assert.Equal(3, a.Ctcae().Grade);
    }

    [Fact]
    public void Grade_OxygenPeriodFromYesterdayWithoutEnd_OverlapsTheWindow()
    {
        var a = Day3Adult().Fever().OxygenPeriod(AsOf.AddHours(-40), null, OxygenDevice.Cpap).Grade();

        Assert.Equal(4, a.Astct().Grade);
    }

    [Fact]
    public void Grade_OxygenPeriodEndedBeforeTheWindow_DoesNotCount()
    {
        var a = Day3Adult().Fever().OxygenPeriod(AsOf.AddHours(-40), AsOf.AddHours(-25), OxygenDevice.Cpap).Grade();

        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
    }

    [Fact]
    public void Grade_HighestOxygenSupportInTheWindowWins()
    {
        var a = Day3Adult().Fever()
            .Oxygen(AsOf.AddHours(-10), OxygenDevice.NonRebreatherMask, flow: 15m)
            .Oxygen(Recent, OxygenDevice.NasalCannula, flow: 2m)
            .Grade();

        Assert.Equal(3, a.Astct().Grade);
    }

    [Theory]
    [InlineData(OxygenDevice.HighFlowNasalCannula, 3)]
    [InlineData(OxygenDevice.PartialRebreatherMask, 3)]
    [InlineData(OxygenDevice.NonRebreatherMask, 3)]
    [InlineData(OxygenDevice.RebreathingMask, 3)]
    [InlineData(OxygenDevice.AerosolMask, 3)]
    [InlineData(OxygenDevice.FaceTent, 3)]
    [InlineData(OxygenDevice.TracheostomyMask, 3)]
    [InlineData(OxygenDevice.UnspecifiedMask, 3)]
    [InlineData(OxygenDevice.Cpap, 4)]
    [InlineData(OxygenDevice.NonInvasiveVentilation, 4)]
    [InlineData(OxygenDevice.MechanicalVentilation, 4)]
    [InlineData(OxygenDevice.BlowBy, 2)]
    [InlineData(OxygenDevice.RoomAir, 1)]
    public void Grade_FeverWithEachDevice_FollowsTheAstctTier(OxygenDevice device, int grade)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, device).Grade();

        Assert.Equal(new SystemGradeShape(grade, grade), a.Astct().Shape());
    }

    [Fact]
    public void Grade_NasalCannulaWithoutFlow_Is2UpTo3()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula).Grade();

        Assert.Equal(new SystemGradeShape(2, 3), a.Astct().Shape());
        Assert.Contains(a.Astct().UpperBoundWhy, w => w.Contains("nasal cannula flow not recorded", StringComparison.Ordinal));
        Assert.True(a.HasGap(DataGapCodes.OxygenDeviceIncomplete));
    }

    [Theory]
    [InlineData("6", 2, 3)]
    [InlineData("6.1", 3, 3)]
    public void Grade_FlowWithoutDevice(string litres, int grade, int upperBound)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, null, flow: decimal.Parse(litres, System.Globalization.CultureInfo.InvariantCulture)).Grade();

        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Astct().Shape());
    }

    [Theory]
    [InlineData(22, 2, 4)]
    [InlineData(21, 1, 1)] // FiO2 ≤ 21 % alone is room air
    public void Grade_FiO2Alone(int fio2, int grade, int upperBound)
    {
        var a = Day3Adult().Fever().Oxygen(Recent, null, fio2: fio2).Grade();

        Assert.Equal(new SystemGradeShape(grade, upperBound), a.Astct().Shape());
    }

    [Fact]
    public void Grade_TracheostomyTubeAlone_Is0UpTo4WithReviewNote()
    {
        var febrile = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.TracheostomyTube).Grade();

        Assert.Equal(new SystemGradeShape(1, 4), febrile.Astct().Shape());
        Assert.Equal(new SystemGradeShape(1, 4), febrile.Lee().Shape());
        Assert.True(febrile.HasGap(DataGapCodes.TracheostomyTube));
        Assert.Contains(febrile.ReviewNotes, n => n.Contains("Tracheostomy tube", StringComparison.Ordinal));
    }

    [Fact]
    public void Grade_SpO2Alone_NeverGrades()
    {
        var a = Day3Adult().Fever().SpO2(Recent, 84m).Grade();

        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
        var spo2 = Assert.Single(a.Evidence, e => e.Criterion == "spo2");
        Assert.Equal("84 %", spo2.Value);
    }

    [Fact]
    public void Grade_NoOxygenData_IsRoomAirWithoutABound()
    {
        var a = Day3Adult().Fever().Grade();

        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
        Assert.Empty(a.Astct().UpperBoundWhy);
        Assert.DoesNotContain(a.Gaps, g => g.Code is DataGapCodes.OxygenDeviceIncomplete or DataGapCodes.FiO2Indeterminate);
    }

    [Fact]
    public void Grade_OrganToxicityNeverChangesAstct()
    {
        var a = Day3Adult().Fever().Lab(LabAnalyte.AspartateAminotransferase, Recent, 1000m, "U/L", 40m).Grade();

        Assert.Equal(1, a.Astct().Grade);
        Assert.Equal(3, a.Lee().Grade); // grade 4 transaminitis → Lee 3
        Assert.Equal(1, a.Ctcae().Grade);
    }
}
