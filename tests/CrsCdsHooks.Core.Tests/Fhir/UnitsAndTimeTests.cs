using CrsCdsHooks.Core.Fhir;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class UnitsAndTimeTests
{
    [Fact]
    public void Ucum_LoadsUnderInvariantGlobalization()
    {
        // Fhir.Metrics needs PredefinedCulturesOnly=false (Directory.Build.props) to load in invariant mode.
        Assert.True(Units.TryConvert(250m, "mL/min", "L/min", out var litres));
        Assert.Equal(0.25m, litres);
        Assert.Null(Units.LoadProblem);
    }

    [Theory]
    [InlineData("mcg/kg/min", "ug/kg/min")]
    [InlineData("µg/min", "ug/min")]
    [InlineData("mg/hr", "mg/h")]
    [InlineData("{beats}/min", "/min")]
    [InlineData("%{HemoglobinSaturation}", "%")]
    [InlineData("G/L", "10*9/L")]
    [InlineData("g/L", "g/L")]
    [InlineData("°C", "Cel")]
    [InlineData("mmHg", "mm[Hg]")]
    [InlineData("lbs", "[lb_av]")]
    [InlineData("  ", null)]
    public void Normalize_CommonSpellings(string unit, string? expected) => Assert.Equal(expected, Units.Normalize(unit));

    [Theory]
    [InlineData(0.25, 1, 0.3)]
    [InlineData(-0.25, 1, -0.3)]
    [InlineData(37.95, 1, 38.0)]
    [InlineData(89.5, 0, 90)]
    public void Round_IsHalfAwayFromZero(double value, int decimals, double expected) =>
        Assert.Equal((decimal)expected, Units.Round((decimal)value, decimals));

    [Theory]
    [InlineData("2026-03-10T10:00:00Z", "Instant")]
    [InlineData("2026-03-10T10:00:00.123456789+05:30", "Instant")]
    [InlineData("2026-03-10T10:00:00", "TimeWithoutZone")]
    [InlineData("2026-03-10", "Day")]
    [InlineData("2026-03", "Month")]
    [InlineData("2026", "Year")]
    [InlineData("2026-13-45", "Invalid")]
    [InlineData("2026-02-29", "Invalid")]
    [InlineData("2028-02-29", "Day")]
    [InlineData("2026-03-10T24:00:00Z", "Invalid")]
    [InlineData("2026-03-10T10:00:00+15:00", "Invalid")]
    [InlineData("0000", "Invalid")]
    [InlineData("10/03/2026", "Invalid")]
    public void FhirTime_Precision(string literal, string expected) => Assert.Equal(expected, FhirTime.Parse(literal).Precision.ToString());

    [Fact]
    public void FhirTime_OffsetIsKept() =>
        Assert.Equal(new DateTimeOffset(2026, 3, 10, 4, 30, 0, TimeSpan.Zero), FhirTime.Parse("2026-03-10T10:00:00+05:30").Earliest.ToUniversalTime());

    [Theory]
    [InlineData("Patient/p1", "Patient", "p1")]
    [InlineData("https://ehr.example/fhir/Patient/p1/_history/2", "Patient", "p1")]
    [InlineData("Patient/p1?_format=json", "Patient", "p1")]
    [InlineData("p1", null, "p1")]
    public void References_Parse(string reference, string? type, string id)
    {
        Assert.True(FhirReferences.TryParse(reference, out var target));
        Assert.Equal((type, id), (target.Type, target.Id));
    }

    [Theory]
    [InlineData("#med")]
    [InlineData("urn:uuid:1")]
    [InlineData("")]
    [InlineData("/")]
    public void References_NeedContext(string reference) => Assert.False(FhirReferences.TryParse(reference, out _));
}
