using CrsCdsHooks.Core.Differential;

namespace CrsCdsHooks.Core.Tests.Differential;

public sealed class DifferentialCardTextTests
{
    [Fact]
    public void Summary_LongItems_StayUnder140AndSayWhenCut()
    {
        var items = Enumerable.Range(1, 12).Select(i => $"a rather long reason label number {i}").ToList();
        var s = DifferentialCardText.Summary("Infection/sepsis likely beside CRS", items);
        Assert.True(s.Length < 140, s);
        Assert.EndsWith(" …", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_HugeHead_IsCut()
    {
        var s = DifferentialCardText.Summary(new string('x', 300), ["y"]);
        Assert.True(s.Length < 140);
    }

    [Fact]
    public void Summary_ShortItems_AllShown()
    {
        Assert.Equal("Head: a, b", DifferentialCardText.Summary("Head", ["a", "b"]));
    }
}
