namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class SmokeTests
{
    [Fact]
    public void Read_OneTemperature_IsOnTheTimeline()
    {
        var timeline = Fx.Read(Fx.Temp("t1", 38.0m, "Cel"));
        Assert.Empty(timeline.Issues);
        Assert.Equal(38.0m, Assert.Single(timeline.Temperatures).Celsius);
    }
}
