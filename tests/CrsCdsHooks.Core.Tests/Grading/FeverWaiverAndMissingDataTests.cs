using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>The fever waiver (CRS-SPEC §3, §9.10, §9.11) and missing data (§9.7, §9.27).</summary>
public sealed class FeverWaiverAndMissingDataTests
{
    private static readonly DateTimeOffset Recent = AsOf.AddHours(-1);

    /// <summary>A fever the day before, an afebrile reading now, norepinephrine running: 3 when waived, else 0.</summary>
    private static CrsAssessment AfebrileOnNorepinephrineAfter(Drug masking, DateTimeOffset given, DateTimeOffset asOf, DateTimeOffset? feverAt = null) =>
        Adult()
            .Temperature(feverAt ?? T0.AddHours(20), 39.0m)
            .DrugAt(masking, given)
            .Temperature(asOf.AddHours(-2), 37.0m)
            .Pressure(asOf.AddHours(-1), 100, 60)
            .Running(Drug.Norepinephrine, asOf.AddHours(-3), PerMinute(4))
            .Grade(asOf);

    [Theory]
    [InlineData(Drug.Acetaminophen, 12 * 60 - 1, true)]
    [InlineData(Drug.Acetaminophen, 12 * 60, true)] // "within the 12 h before asOf" is inclusive
    [InlineData(Drug.Acetaminophen, 12 * 60 + 1, false)]
    [InlineData(Drug.Ibuprofen, 11 * 60, true)]
    [InlineData(Drug.Dexamethasone, 72 * 60 - 1, true)]
    [InlineData(Drug.Dexamethasone, 72 * 60 + 1, false)]
    [InlineData(Drug.Methylprednisolone, 71 * 60, true)]
    [InlineData(Drug.Tocilizumab, 7 * 24 * 60 - 1, true)]
    [InlineData(Drug.Tocilizumab, 7 * 24 * 60 + 1, false)]
    [InlineData(Drug.Anakinra, 6 * 24 * 60, true)]
    [InlineData(Drug.Siltuximab, 8 * 24 * 60, false)]
    public void Grade_MaskingPeriodMeasuredFromTheAdministrationStart(Drug drug, int minutesBeforeAsOf, bool waived)
    {
        var asOf = T0.AddDays(10); // the fever was on day 0, so even the 7-day period fits after it
        var a = AfebrileOnNorepinephrineAfter(drug, asOf.AddMinutes(-minutesBeforeAsOf), asOf);

        Assert.Equal(waived, a.FeverWaived);
        Assert.Equal(waived, a.Present);
        Assert.Equal(waived ? new SystemGradeShape(3, 3) : new SystemGradeShape(0, 0), a.Astct().Shape());
    }

    [Fact]
    public void Grade_TocilizumabBeforeTheFirstFever_NeverWaives()
    {
        // Prophylactic (premedication) tocilizumab on day 0, first fever on day 1, afebrile now on day 3.
        var a = AfebrileOnNorepinephrineAfter(Drug.Tocilizumab, T0.AddHours(2), AsOf, feverAt: T0.AddHours(30));

        Assert.False(a.FeverWaived);
        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
        Assert.Contains(a.ReviewNotes, n => n.StartsWith("Findings do not meet CRS criteria", StringComparison.Ordinal));
    }

    [Fact]
    public void Grade_AcetaminophenWithoutAnyFever_NeverWaives()
    {
        var a = Adult()
            .DrugAt(Drug.Acetaminophen, AsOf.AddHours(-6))
            .Temperature(AsOf.AddHours(-5).AddMinutes(-1), 37.2m)
            .Pressure(Recent, 85, 50)
            .Grade();

        Assert.False(a.FeverWaived);
        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverBeforeInfusion_DoesNotStartTheWaiver()
    {
        var asOf = T0.AddHours(30);
        var a = Adult()
            .Temperature(T0.AddHours(-3), 38.9m)
            .DrugAt(Drug.Acetaminophen, asOf.AddHours(-4))
            .Temperature(asOf.AddHours(-2), 37.0m)
            .Pressure(asOf.AddHours(-1), 120, 70)
            .Grade(asOf);

        Assert.False(a.FeverWaived);
        Assert.Equal(0, a.Astct().Grade);
    }

    [Fact]
    public void Grade_WaiverWithNothingElse_Is0UpTo1InEverySystem()
    {
        var a = AfebrileAfterAcetaminophen().Grade();

        Assert.True(a.FeverWaived);
        Assert.True(a.Present);
        foreach (var system in new[] { GradingSystem.Astct2019, GradingSystem.Lee2014, GradingSystem.CtcaeV5 })
        {
            Assert.Equal(new SystemGradeShape(0, 1), a.Current[system].Shape());
            Assert.Contains(a.Current[system].UpperBoundWhy, w => w.Contains("fever may be masked by acetaminophen", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Grade_WaiverWithHypotension_AppliesTheOtherCriteriaUnchanged()
    {
        var a = AfebrileAfterAcetaminophen().Pressure(Recent, 82, 45).Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(2, 2), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(2, 2), a.Ctcae().Shape());
    }

    [Fact]
    public void Grade_WaiverWithOrganToxicity_GradesLeeOnly()
    {
        var a = AfebrileAfterAcetaminophen().Lab(LabAnalyte.Creatinine, Recent, 4.8m, "mg/dL", 1.2m).Grade();

        Assert.Equal(new SystemGradeShape(0, 1), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(3, 3), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(0, 1), a.Ctcae().Shape());
    }

    [Fact]
    public void Grade_FeverInTheWindowWithAMaskingDrug_IsNotWaived()
    {
        var a = Day3Adult().DrugAt(Drug.Acetaminophen, AsOf.AddHours(-3)).Fever().Grade();

        Assert.False(a.FeverWaived);
        Assert.True(a.Present);
        Assert.Equal(1, a.Astct().Grade);
    }

    [Fact]
    public void Grade_NoTemperatureInTheWindowButWaiver_IsWaived()
    {
        var a = Day3Adult().Temperature(AsOf.AddHours(-30), 38.8m).DrugAt(Drug.Acetaminophen, AsOf.AddHours(-28)).Running(Drug.Dexamethasone, AsOf.AddHours(-20))
            .Grade();

        Assert.Equal(FeverStatus.Unknown, a.Fever);
        Assert.True(a.FeverWaived);
        Assert.Equal(Drug.Dexamethasone, a.MaskingDrug!.Drug);
        Assert.Equal(new SystemGradeShape(0, 1), a.Astct().Shape());
    }

    [Fact]
    public void Grade_NoTemperatureNoWaiver_IsGradedAfebrileUpToFebrile()
    {
        var a = Day3Adult().Grade();

        Assert.Equal(FeverStatus.Unknown, a.Fever);
        Assert.False(a.Present);
        Assert.Equal(new SystemGradeShape(0, 1), a.Astct().Shape());
        Assert.True(a.HasGap(DataGapCodes.NoTemperature));
        Assert.StartsWith("no temperature in 24 h", a.Astct().UpperBoundWhy[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_NoTemperatureOnNorepinephrine_Is0UpTo3WithANote()
    {
        var a = Day3Adult().Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(5)).Grade();

        Assert.Equal(new SystemGradeShape(0, 3), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(0, 3), a.Ctcae().Shape());
        Assert.Contains(a.ReviewNotes, n => n.Contains("if afebrile", StringComparison.Ordinal));
    }

    [Fact]
    public void Grade_FeverWithoutBloodPressureOrVasopressor_Is1UpTo2()
    {
        var a = Adult().Fever().Grade();

        Assert.Equal(new SystemGradeShape(1, 2), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(1, 2), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(1, 2), a.Ctcae().Shape());
        Assert.Equal("no blood pressure in 24 h → up to 2", Assert.Single(a.Astct().UpperBoundWhy));
        Assert.True(a.HasGap(DataGapCodes.NoBloodPressure));
    }

    [Fact]
    public void Grade_FeverWithVasopressorButNoBloodPressure_RaisesNoBound()
    {
        var a = Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(5)).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
        Assert.False(a.HasGap(DataGapCodes.NoBloodPressure));
    }

    [Fact]
    public void Grade_ProvenAfebrileWithoutBloodPressure_Stays0UpTo0()
    {
        var a = Adult().Temperature(Recent, 37.2m).Grade();

        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
        Assert.Empty(a.Astct().UpperBoundWhy);
    }

    [Fact]
    public void Grade_NoTemperatureNoBloodPressure_IsUpTo2()
    {
        var a = Adult().Grade();

        Assert.Equal(new SystemGradeShape(0, 2), a.Astct().Shape());
        Assert.Equal(2, a.Astct().UpperBoundWhy.Count);
    }

    [Fact]
    public void Grade_HypotensionAndHypoxiaWithoutFever_AreNotCrs()
    {
        var a = Adult().Temperature(Recent, 37.0m).Pressure(Recent, 80, 40).Oxygen(Recent, OxygenDevice.NonRebreatherMask).Grade();

        Assert.False(a.Present);
        Assert.True(a.Hypotension);
        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
        var note = Assert.Single(a.ReviewNotes);
        Assert.Contains("do not meet CRS criteria", note, StringComparison.Ordinal);
        Assert.Contains("consider other causes", note, StringComparison.Ordinal);
    }

    [Fact]
    public void Grade_IgnoredDataNeverChangesTheGrade()
    {
        // The reader drops and reports an implausible temperature: the timeline holds only the issue.
        var a = Day3Adult().Temperature(Recent, 37.0m).Issue("Observation/t9", DataIssueReasons.ImplausibleValue).Grade();

        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
    }

    private static TimelineBuilder AfebrileAfterAcetaminophen() =>
        Day3Adult()
            .Temperature(AsOf.AddHours(-26), 38.7m)
            .DrugAt(Drug.Acetaminophen, AsOf.AddHours(-6))
            .Temperature(AsOf.AddHours(-2), 37.3m);
}
