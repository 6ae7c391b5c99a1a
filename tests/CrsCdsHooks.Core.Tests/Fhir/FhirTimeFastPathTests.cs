using CrsCdsHooks.Core.Fhir;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>The regex-free reading of canonical instants must agree with the general reading on every literal.</summary>
public sealed class FhirTimeFastPathTests
{
    [Theory]
    [InlineData("2026-11-25T10:03:00Z")]
    [InlineData("2026-11-25T10:03:00.1234567+05:30")]
    [InlineData("2026-11-25T10:03:00.123456789Z")]
    [InlineData("2024-02-29T23:59:59-14:00")]
    [InlineData("2025-02-29T10:00:00Z")]
    [InlineData("2026-11-25T24:00:00Z")]
    [InlineData("2026-11-25T10:03:00+14:01")]
    [InlineData("0001-01-01T00:00:00+01:00")]
    [InlineData("9999-12-31T23:59:59-01:00")]
    [InlineData(" 2026-11-25T10:03:00Z ")]
    [InlineData("2026-11-25T10:03:00")]
    [InlineData("2026-11-25T10:03Z")]
    [InlineData("2026-11-25")]
    [InlineData("2026-11-25T10:03:00.Z")]
    [InlineData("2026-11-25T10:03:00z")]
    public void Parse_AgreesWithTheGeneralReading(string literal)
    {
        Assert.Equal(FhirTime.ParseGeneral(literal), FhirTime.Parse(literal));
    }

    [Fact]
    public void Parse_AgreesWithTheGeneralReading_OnRandomLiterals()
    {
        var random = new Random(112526);
        string Pick(params string[] options) => options[random.Next(options.Length)];
        for (var i = 0; i < 20000; i++)
        {
            var literal = $"{Pick("2026", "0001", "9999", "0000", "1969")}-{Pick("01", "02", "12", "13", "00")}-{Pick("01", "28", "29", "30", "31", "32")}"
                + $"T{Pick("00", "23", "24", "9")}:{Pick("00", "59", "60")}:{Pick("00", "59", "60", "5")}{Pick("", ".1", ".1234567", ".12345678", ".")}"
                + Pick("Z", "+00:00", "-05:30", "+14:00", "+14:01", "-15:00", "+13:60", "", "+0100", "Z ");
            Assert.True(FhirTime.ParseGeneral(literal) == FhirTime.Parse(literal), literal);
        }
    }
}
