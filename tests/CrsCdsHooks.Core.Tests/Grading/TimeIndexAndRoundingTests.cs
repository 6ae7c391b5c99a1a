using CrsCdsHooks.Core.Grading;

namespace CrsCdsHooks.Core.Tests.Grading;

/// <summary>The building blocks of the window evaluation: rounding before comparison and the time indexes.</summary>
public sealed class TimeIndexAndRoundingTests
{
    [Theory]
    [InlineData("20", 0)]
    [InlineData("3.0", 0)]
    [InlineData("1.80", 1)]
    [InlineData("0.45", 2)]
    public void DecimalsOf_DropsTrailingZeros(string threshold, int decimals) =>
        Assert.Equal(decimals, ClinicalRounding.DecimalsOf(decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData("19.49", "20", false)]
    [InlineData("19.5", "20", true)]
    [InlineData("1.749", "1.8", false)]
    [InlineData("1.75", "1.8", true)]
    [InlineData("9.45", "10", false)]
    public void AtOrAboveCutoff_AgreesWithRoundingHalfAwayFromZero(string value, string threshold, bool atOrAbove)
    {
        var v = decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
        var t = decimal.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(atOrAbove, ClinicalRounding.AtOrAbove(v, t));
        Assert.Equal(atOrAbove, v >= ClinicalRounding.AtOrAboveCutoff(t));
    }

    [Fact]
    public void RangeMaximum_MatchesALinearScanOnEveryRange()
    {
        var values = new[] { 0, 2, 1, 3, 0, 0, 4, 2, 2, 1, 0, 3, 2 };
        var table = new RangeMaximum(values);
        for (var start = 0; start <= values.Length; start++)
        {
            for (var end = start; end <= values.Length; end++)
            {
                var expected = end > start ? values[start..end].Max() : 0;
                Assert.Equal(expected, table.Max(start, end));
            }
        }
    }

    [Fact]
    public void PointIndex_RangeIsOpenAtItsStartAndClosedAtItsEnd()
    {
        var index = new PointIndex<int>([3, 1, 2], i => new DateTimeOffset(i * TimeSpan.TicksPerHour, TimeSpan.Zero));

        Assert.Equal([1, 2, 3], index.Items);
        var (start, end) = index.Range(1 * TimeSpan.TicksPerHour, 3 * TimeSpan.TicksPerHour);
        Assert.Equal((1, 3), (start, end));
    }

    [Fact]
    public void IntervalIndex_FindsPointsShortSpansLongSpansAndOpenSpans()
    {
        static DateTimeOffset H(double h) => new DateTimeOffset(2025, 1, 10, 0, 0, 0, TimeSpan.Zero).AddHours(h);
        var spans = new (string Name, DateTimeOffset Start, DateTimeOffset? End)[]
        {
            ("point-inside", H(5), H(5)),
            ("point-at-from", H(0), H(0)),
            ("short-ending-at-from", H(-2), H(0)),
            ("short-crossing-from", H(-1), H(1)),
            ("long-from-days-ago", H(-100), H(2)),
            ("open-running", H(-50), null),
            ("after", H(25), H(26)),
        };
        var index = new IntervalIndex<string>(spans.Select(s => s.Name), n => { var s = spans.Single(x => x.Name == n); return (s.Start, s.End); });
        var found = new List<string>();

        index.Overlapping(H(0).UtcTicks, H(24).UtcTicks, H(24).UtcTicks, found);

        Assert.Equal(["long-from-days-ago", "open-running", "point-inside", "short-crossing-from"], found.Order(StringComparer.Ordinal));
        Assert.True(index.Any(H(0).UtcTicks, H(24).UtcTicks, H(24).UtcTicks));
        Assert.False(index.Any(H(26).UtcTicks, H(27).UtcTicks, H(-60).UtcTicks));
    }
}

/// <summary>Hostile or odd timelines: the grader must not throw and must not invent data.</summary>
public sealed class OddTimelineTests
{
    [Fact]
    public void Grade_EntriesOutOfTimeOrder_AreSortedFirst()
    {
        var timeline = TimelineBuilder.Day3Adult().Fever().Build();
        var shuffled = timeline with
        {
            Temperatures = [.. timeline.Temperatures, new CrsCdsHooks.Core.Timeline.BodyTemperature("Observation/old", TimelineBuilder.AsOf.AddDays(-2), 36.5m, new(36.5m, "Cel"))],
        };

        var a = CrsGrader.Grade(shuffled, TimelineBuilder.AsOf, new CrsOptions(), GradingSystem.Astct2019);

        Assert.Equal(FeverStatus.Febrile, a.Fever);
    }

    [Fact]
    public void Grade_PeriodEndingBeforeItStarts_CountsAsAPointAndDoesNotThrow()
    {
        var a = TimelineBuilder.Day3Adult().Fever()
            .Drug(CrsCdsHooks.Core.Timeline.Drug.Norepinephrine, TimelineBuilder.AsOf.AddHours(-2), TimelineBuilder.AsOf.AddHours(-3))
            .OxygenPeriod(TimelineBuilder.AsOf.AddHours(-1), TimelineBuilder.AsOf.AddHours(-4), CrsCdsHooks.Core.Timeline.OxygenDevice.SimpleMask)
            .Grade();

        Assert.Equal(3, a.Current[GradingSystem.Astct2019].Grade);
    }

    [Fact]
    public void Grade_EmptyTimelineWithInfusionOnly_IsUpTo2WithEveryGapNamed()
    {
        var a = new TimelineBuilder().Infusion(TimelineBuilder.T0).Grade();

        Assert.Equal(new SystemGradeShape(0, 2), a.Current[GradingSystem.Astct2019].Shape());
        Assert.Contains(a.Gaps, g => g.Code == DataGapCodes.NoTemperature);
        Assert.Contains(a.Gaps, g => g.Code == DataGapCodes.NoBloodPressure);
        Assert.Contains(a.Gaps, g => g.Code == DataGapCodes.NoBirthDate);
    }

    [Fact]
    public void Grade_IsDeterministic()
    {
        var b = TimelineBuilder.Day3Adult().Fever().Running(CrsCdsHooks.Core.Timeline.Drug.Norepinephrine, TimelineBuilder.AsOf.AddHours(-5))
            .Oxygen(TimelineBuilder.AsOf.AddHours(-1), null, flow: 3m);
        var timeline = b.Build();
        var first = CrsGrader.Grade(timeline, TimelineBuilder.AsOf, new CrsOptions(), GradingSystem.Lee2014);
        var second = CrsGrader.Grade(timeline, TimelineBuilder.AsOf, new CrsOptions(), GradingSystem.Lee2014);

        Assert.Equal(first.Current[GradingSystem.Lee2014].Why, second.Current[GradingSystem.Lee2014].Why);
        Assert.Equal(first.Evidence.Select(e => e.Finding), second.Evidence.Select(e => e.Finding));
        Assert.Equal(GradingSystem.Lee2014, first.PrimarySystem);
        Assert.Equal(first.Current[GradingSystem.Lee2014], first.PrimaryGrade);
    }
}
