using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Tests.Grading;
using CrsCdsHooks.Core.Timeline;

using static CrsCdsHooks.Core.Tests.Grading.TimelineBuilder;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>The one-line summary and the markdown escaping of record text.</summary>
public sealed class SummaryAndMarkdownTests
{
    [Fact]
    public void Summary_Grade2_ReadsLikeTheSpecExample()
    {
        var a = Adult().Fever().Pressure(AsOf.AddHours(-1), 84, 50).Grade();

        Assert.Equal("CRS grade 2 (ASTCT 2019), day 3 after axicabtagene ciloleucel", CrsCardBuilder.Summary(a));
    }

    [Fact]
    public void Summary_UpperBoundAboveGrade_NamesTheBoundAndItsReason()
    {
        var a = Adult().Fever().Grade();

        Assert.Equal("CRS grade 1 (ASTCT 2019; up to 2 — no blood pressure in 24 h), day 3 after axicabtagene ciloleucel", CrsCardBuilder.Summary(a));
    }

    [Fact]
    public void Summary_Grade0_SaysNoCriteriaMet()
    {
        var asOf = AsOf.AddDays(-1);
        var a = Adult().Temperature(asOf.AddHours(-1), 37.0m).Pressure(asOf.AddHours(-1), 120, 70).Grade(asOf);

        Assert.Equal("No CRS criteria met (ASTCT 2019), day 2 after axicabtagene ciloleucel", CrsCardBuilder.Summary(a));
    }

    [Theory]
    [InlineData(GradingSystem.Lee2014, "Lee 2014")]
    [InlineData(GradingSystem.CtcaeV5, "CTCAE v5.0")]
    public void Summary_NamesThePrimarySystem(GradingSystem primary, string name)
    {
        var a = Day3Adult().Fever().Grade(primary: primary);

        Assert.Equal($"CRS grade 1 ({name}), day 3 after axicabtagene ciloleucel", CrsCardBuilder.Summary(a));
    }

    [Fact]
    public void Summary_LongReasonAndProduct_IsShortenedBelow140()
    {
        var a = new TimelineBuilder().Infusion(T0, CarTProduct.LisocabtageneMaraleucel).Fever().Running(Drug.Norepinephrine, AsOf.AddHours(-5), PerKilogram(0.2m))
            .Pressure(AsOf.AddHours(-1), 100, 60).Oxygen(AsOf.AddHours(-1), OxygenDevice.TracheostomyTube)
            .Grade(AsOf.AddDays(12), primary: GradingSystem.Lee2014);
        a = a with { Infusion = a.Infusion! with { Day = 15 } };

        var summary = CrsCardBuilder.Summary(a);

        Assert.True(summary.Length < CrsCardBuilder.SummaryLimit, summary);
        Assert.StartsWith("No CRS criteria met (Lee 2014; up to", summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, "info")]
    [InlineData(1, "warning")]
    [InlineData(2, "warning")]
    [InlineData(3, "critical")]
    [InlineData(4, "critical")]
    public void Indicator_FollowsTheGrade(int grade, string indicator) => Assert.Equal(indicator, CrsCardBuilder.Indicator(grade));

    [Theory]
    [InlineData("systolic < 90 mmHg", "systolic < 90 mmHg")]
    [InlineData("<script>alert(1)</script>", @"\<script>alert(1)\</script>")]
    [InlineData("[click](javascript:x)", @"\[click\](javascript:x)")]
    [InlineData("a|b", @"a\|b")]
    [InlineData("**bold** _it_ `code` ~~s~~", @"\*\*bold\*\* \_it\_ \`code\` \~\~s\~\~")]
    [InlineData("# heading", @"\# heading")]
    [InlineData("- item", @"\- item")]
    [InlineData("line\nbreak", "line break")]
    [InlineData("day 3 - fine", "day 3 - fine")]
    public void Markdown_EscapesMarkupFromTheRecord(string text, string escaped) => Assert.Equal(escaped, MarkdownText.Text(text));
}
