using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>
/// Every worked check of CRS-SPEC §3 (adult, day 3 after infusion, fever ≥ 38.0 °C unless said). Each timeline has
/// a normal blood pressure in the window unless the check is about pressure, so the upper bound equals the grade.
/// </summary>
public sealed class AstctWorkedCheckTests
{
    private static readonly DateTimeOffset Recent = AsOf.AddHours(-1);

    [Fact]
    public void Grade_Fever38RoomAir_IsGrade1()
    {
        var a = Day3Adult().Temperature(AsOf.AddHours(-2), 38.0m).Oxygen(Recent, OxygenDevice.RoomAir).Grade();

        Assert.True(a.Eligible);
        Assert.Equal(3, a.Infusion!.Day);
        Assert.Equal(FeverStatus.Febrile, a.Fever);
        Assert.True(a.Present);
        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
    }

    [Fact]
    public void Grade_Temperature37_9NoPriorFever_IsGrade0()
    {
        var a = Day3Adult().Temperature(AsOf.AddHours(-2), 37.9m).Grade();

        Assert.Equal(FeverStatus.Afebrile, a.Fever);
        Assert.False(a.Present);
        Assert.False(a.FeverWaived);
        Assert.Equal(new SystemGradeShape(0, 0), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndSystolic84WithoutVasopressor_IsGrade2()
    {
        var a = Adult().Fever().Pressure(Recent, 84, 50).Grade();

        Assert.True(a.Hypotension);
        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndNasalCannula6L_IsGrade2()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula, flow: 6m).Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndNasalCannula7L_IsGrade3()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.NasalCannula, flow: 7m).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndSimpleMask5L_IsGrade3()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.SimpleMask, flow: 5m).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndVenturi28Percent_IsGrade3()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.VenturiMask, fio2: 28).Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(2, 2), a.Lee().Shape()); // recorded FiO2 28 % < 40 %
    }

    [Fact]
    public void Grade_FeverAndNorepinephrine_IsGrade3()
    {
        var a = Day3Adult().Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(5)).Grade();

        Assert.Single(a.Vasopressors);
        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndNorepinephrinePlusVasopressin_IsGrade3()
    {
        var a = Day3Adult().Fever()
            .Running(Drug.Norepinephrine, AsOf.AddHours(-2), PerMinute(5))
            .Running(Drug.Vasopressin, AsOf.AddHours(-1))
            .Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndNorepinephrinePlusPhenylephrineOverlapping_IsGrade4()
    {
        var a = Day3Adult().Fever()
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-6), AsOf.AddHours(-2), rate: PerMinute(8))
            .Drug(Drug.Phenylephrine, AsOf.AddHours(-3), AsOf.AddHours(-1), rate: PerMinute(100))
            .Grade();

        Assert.Equal(new SystemGradeShape(4, 4), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndBipap_IsGrade4()
    {
        var a = Day3Adult().Fever().Oxygen(Recent, OxygenDevice.Bipap, fio2: 40).Grade();

        Assert.Equal(new SystemGradeShape(4, 4), a.Astct().Shape());
    }

    [Fact]
    public void Grade_Afebrile12hAfterTocilizumabForEarlierFever_OnNorepinephrine_IsGrade3()
    {
        var a = Day3Adult()
            .Temperature(AsOf.AddHours(-30), 39.2m)
            .DrugAt(Drug.Tocilizumab, AsOf.AddHours(-12))
            .Temperature(AsOf.AddHours(-2), 37.1m)
            .Running(Drug.Norepinephrine, AsOf.AddHours(-4), PerMinute(6))
            .Grade();

        Assert.Equal(FeverStatus.Afebrile, a.Fever);
        Assert.True(a.FeverWaived);
        Assert.True(a.Present);
        Assert.Equal(Drug.Tocilizumab, a.MaskingDrug!.Drug);
        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_Fever39WithCreatinine4TimesUln_IsGrade1_AndLee3()
    {
        var a = Day3Adult().Fever(39.0m)
            .Lab(LabAnalyte.Creatinine, AsOf.AddHours(-3), 4.8m, "mg/dL", 1.2m)
            .Grade();

        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
        Assert.Equal(new SystemGradeShape(3, 3), a.Lee().Shape());
        Assert.Equal(new SystemGradeShape(1, 1), a.Ctcae().Shape());
        Assert.Contains(a.Evidence, e => e.Criterion == "organ-toxicity" && e.Finding.Contains("CTCAE grade 3", StringComparison.Ordinal));
    }

    [Fact]
    public void Grade_Child3YearsBlowBy_IsGrade2()
    {
        var a = new TimelineBuilder().AgedYears(3).Infusion(T0)
            .Pressure(Recent, 96, 60).Fever()
            .Oxygen(Recent, OxygenDevice.BlowBy)
            .Grade();

        Assert.Equal(new SystemGradeShape(2, 2), a.Astct().Shape());
    }

    [Fact]
    public void Grade_Fever39_5OneVasopressorAndNasalCannula2L_IsGrade3()
    {
        // The paper's own example (ASTCT 2019): fever, hypotension on one vasopressor, low-flow oxygen → grade 3.
        var a = Adult().Fever(39.5m)
            .Pressure(AsOf.AddHours(-5), 82, 48)
            .Running(Drug.Norepinephrine, AsOf.AddHours(-4), PerMinute(4))
            .Oxygen(Recent, OxygenDevice.NasalCannula, flow: 2m)
            .Grade();

        Assert.Equal(new SystemGradeShape(3, 3), a.Astct().Shape());
    }

    [Fact]
    public void Grade_FeverAndDobutamineAloneWithNormalSystolic_IsGrade1WithReviewNote()
    {
        var a = Day3Adult().Fever().Running(Drug.Dobutamine, AsOf.AddHours(-3), PerKilogram(5)).Grade();

        Assert.Empty(a.Vasopressors);
        Assert.Equal(new SystemGradeShape(1, 1), a.Astct().Shape());
        Assert.Contains(a.ReviewNotes, n => n.Contains("dobutamine", StringComparison.Ordinal) && n.Contains("not counted", StringComparison.Ordinal));
        Assert.Contains(a.Evidence, e => e.Criterion == "inotrope");
    }
}

/// <summary>Grade and upper bound as one comparable value.</summary>
internal readonly record struct SystemGradeShape(int Grade, int UpperBound);

internal static class SystemGradeShapeExtensions
{
    public static SystemGradeShape Shape(this SystemGrade g) => new(g.Grade, g.UpperBound);
}
