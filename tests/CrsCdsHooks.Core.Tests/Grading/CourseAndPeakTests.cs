using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>Infusion course, T0, eligibility (CRS-SPEC §1, §9.1, §9.32) and the peak grade (§1, §9.25).</summary>
public sealed class CourseAndPeakTests
{
    [Theory]
    [InlineData(0, 0)]
    [InlineData(23 * 60 + 59, 0)]
    [InlineData(24 * 60, 1)]
    [InlineData(3 * 24 * 60 + 240, 3)]
    public void Grade_DayAfterInfusion_IsFloorOfWholeDays(int minutesAfterT0, int day)
    {
        var a = Adult().Grade(T0.AddMinutes(minutesAfterT0));

        Assert.Equal(day, a.Infusion!.Day);
        Assert.Equal(T0, a.Infusion.Start);
    }

    [Theory]
    [InlineData(30 * 24 * 60, true)] // exactly 30 days: eligible
    [InlineData(30 * 24 * 60 + 1, false)]
    [InlineData(31 * 24 * 60, false)]
    public void Grade_EligibilityAt30Days(int minutesAfterT0, bool eligible)
    {
        var a = Adult().Grade(T0.AddMinutes(minutesAfterT0));

        Assert.Equal(eligible, a.Eligible);
        Assert.Equal(eligible, a.Current.Count == 3);
    }

    [Fact]
    public void Grade_EligibilityDaysIsConfigurable()
    {
        var a = Adult().Grade(T0.AddDays(45), new CrsOptions { EligibilityDays = 60 });

        Assert.True(a.Eligible);
    }

    [Fact]
    public void Grade_NoInfusion_IsNotEligible()
    {
        var a = new TimelineBuilder().BornOn(new DateOnly(1970, 1, 1)).Fever().Grade();

        Assert.False(a.Eligible);
        Assert.Null(a.Infusion);
        Assert.Empty(a.Current);
    }

    [Fact]
    public void Grade_InfusionAfterAsOf_IsNotYetGiven()
    {
        var a = Adult().Grade(T0.AddMinutes(-1));

        Assert.False(a.Eligible);
        Assert.Null(a.Infusion);
    }

    [Theory]
    [InlineData(20, false)] // one course: T0 stays the first administration
    [InlineData(21, true)] // a new course
    public void Grade_CourseChainingAt21Days(int daysApart, bool newCourse)
    {
        var second = T0.AddDays(daysApart);
        var a = Adult().Infusion(second).Grade(second.AddDays(2));

        Assert.Equal(newCourse ? second : T0, a.Infusion!.Start);
        Assert.Equal(newCourse ? 1 : 2, a.Infusion.Administrations.Count);
        Assert.Equal(newCourse ? 2 : daysApart + 2, a.Infusion.Day);
    }

    [Fact]
    public void Grade_CoursesChainFromTheFirstAdministration()
    {
        // 15 and 15 days apart: one course although the last dose is 30 days after the first.
        var a = Adult().Infusion(T0.AddDays(15)).Infusion(T0.AddDays(30)).Grade(T0.AddDays(30).AddHours(12));

        Assert.Equal(T0, a.Infusion!.Start);
        Assert.Equal(3, a.Infusion.Administrations.Count);
        Assert.False(a.Eligible); // day 30.5 after T0
    }

    [Fact]
    public void Grade_SplitDoses_StayOneCourse()
    {
        var a = new TimelineBuilder().BornOn(new DateOnly(1980, 1, 1))
            .Infusion(T0, CarTProduct.ObecabtageneAutoleucel)
            .Infusion(T0.AddDays(9), CarTProduct.ObecabtageneAutoleucel)
            .Grade(T0.AddDays(12));

        Assert.Equal(T0, a.Infusion!.Start);
        Assert.Equal(CarTProduct.ObecabtageneAutoleucel, a.Infusion.Product);
        Assert.Equal(12, a.Infusion.Day);
    }

    [Fact]
    public void Grade_StoppedInfusion_Counts()
    {
        var a = new TimelineBuilder().Infusion(T0, status: AdministrationStatus.Stopped).Grade();

        Assert.True(a.Eligible);
    }

    [Fact]
    public void Grade_UnnamedProcedureAndNamedProductAtT0_NamesTheProduct()
    {
        var a = new TimelineBuilder().Infusion(T0, CarTProduct.Unspecified).Infusion(T0.AddMinutes(10), CarTProduct.Tisagenlecleucel).Grade();

        Assert.Equal(CarTProduct.Tisagenlecleucel, a.Infusion!.Product);
        Assert.Equal(T0, a.Infusion.Start);
    }

    [Fact]
    public void Grade_PeakYesterdayGrade3NowGrade1()
    {
        var a = Day3Adult()
            .Temperature(AsOf.AddHours(-30), 39.4m)
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-32), AsOf.AddHours(-28), rate: PerMinute(6))
            .Fever(38.3m)
            .Grade();

        Assert.Equal(1, a.Astct().Grade);
        Assert.Equal(3, a.Peak[GradingSystem.Astct2019]);
        Assert.Equal(2, a.Peak[GradingSystem.Lee2014]);
        Assert.Equal(3, a.Peak[GradingSystem.CtcaeV5]);
    }

    [Fact]
    public void Grade_PeakIsNeverBelowCurrent()
    {
        var a = Day3Adult().Fever().Oxygen(AsOf.AddHours(-1), OxygenDevice.Bipap).Grade();

        Assert.Equal(4, a.Astct().Grade);
        Assert.All(a.Peak.Values, p => Assert.Equal(4, p));
    }

    [Fact]
    public void Grade_PeakWindowsIncludeTheMaskingPeriodsOfTheirTime()
    {
        // Day 1: fever, then tocilizumab; day 1 + 6 h: afebrile on norepinephrine (waived → 3 then).
        // Now (day 3): afebrile, nothing running → 0, but the peak remembers 3.
        var a = Day3Adult()
            .Temperature(T0.AddHours(20), 39.0m)
            .DrugAt(Drug.Tocilizumab, T0.AddHours(21))
            .Temperature(T0.AddHours(48), 37.1m)
            .Drug(Drug.Norepinephrine, T0.AddHours(44), T0.AddHours(47), rate: PerMinute(5))
            .Temperature(AsOf.AddHours(-2), 37.0m)
            .Grade();

        Assert.True(a.FeverWaived); // tocilizumab masks for 7 days
        Assert.Equal(new SystemGradeShape(0, 1), a.Astct().Shape());
        Assert.Equal(3, a.Peak[GradingSystem.Astct2019]);
    }

    [Fact]
    public void Grade_PeakIgnoresWindowsEndingBeforeT0()
    {
        // A febrile, hypotensive reading 30 h before infusion is not CRS: windows end only from T0 on, and none
        // of them reaches 30 h back.
        var a = Adult()
            .Temperature(T0.AddHours(-30), 39.5m)
            .Pressure(T0.AddHours(-30), 70, 40)
            .Temperature(AsOf.AddHours(-2), 37.0m)
            .Pressure(AsOf.AddHours(-1), 120, 70)
            .Grade();

        Assert.Equal(0, a.Peak[GradingSystem.Astct2019]);
    }

    [Fact]
    public void Grade_PeakLeeHighDose_ReachesThreeAtTheEndOfTheRun()
    {
        var a = Day3Adult()
            .Temperature(AsOf.AddHours(-35), 39.0m)
            .Drug(Drug.Norepinephrine, AsOf.AddHours(-34), AsOf.AddHours(-30), rate: PerMinute(25))
            .Fever(38.2m)
            .Grade();

        Assert.Equal(1, a.Lee().Grade);
        Assert.Equal(3, a.Peak[GradingSystem.Lee2014]);
    }

    [Fact]
    public void Grade_HeavyRecordOf15000Entries_Completes()
    {
        // 30 days of 15-minute vitals (temperature, pressure, SpO2, oxygen flow, heart rate) and hourly
        // norepinephrine rate records: about 15,000 entries. Speed is measured by the benchmark, not here.
        var asOf = T0.AddDays(30);
        var b = Adult();
        var start = asOf.AddDays(-30).AddMinutes(1);
        for (var t = start; t <= asOf; t = t.AddMinutes(15))
        {
            var minutes = (int)(t - start).TotalMinutes;
            var febrile = minutes % (6 * 60) < 60;
            b.Temperature(t, febrile ? 38.4m : 37.2m)
                .Pressure(t, 85 + (minutes % 40), 55, 70)
                .SpO2(t, 93m)
                .Oxygen(t, OxygenDevice.NasalCannula, flow: 2 + (minutes / 15 % 5))
                .HeartRate(t, 100m);
        }

        for (var t = asOf.AddDays(-20); t < asOf.AddDays(-15); t = t.AddHours(1))
        {
            var high = t >= asOf.AddDays(-18) && t < asOf.AddDays(-18).AddHours(4);
            b.Drug(Drug.Norepinephrine, t, t.AddHours(1), rate: PerMinute(high ? 25 : 8));
        }

        var timeline = b.Build();
        var entries = timeline.Temperatures.Count + timeline.Pressures.Count + timeline.Saturations.Count
            + timeline.Oxygen.Count + timeline.OtherVitals.Count + timeline.Drugs.Count;
        Assert.InRange(entries, 14_000, 16_000);

        var a = CrsGrader.Grade(timeline, asOf, new CrsOptions(), GradingSystem.Astct2019);

        Assert.True(a.Eligible);
        Assert.Equal(2, a.Astct().Grade); // fever, hypotension, nasal cannula 2–6 L/min
        Assert.Equal(3, a.Peak[GradingSystem.Astct2019]); // norepinephrine on days 10–15
        Assert.Equal(3, a.Peak[GradingSystem.Lee2014]); // 25 µg/min for 4 h on day 12
        Assert.Equal(3, a.Peak[GradingSystem.CtcaeV5]);
    }
}
