using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Samples;

namespace CrsCdsHooks.Core.Tests.Samples;

public sealed class SampleRequestShifterTests
{
    private static readonly TimeSpan TwoDaysThreeHours = new(2, 3, 0, 0);

    [Fact]
    public void Anchor_IsTheMomentTheSamplesAreWrittenFor()
    {
        Assert.Equal(new DateTimeOffset(2025, 6, 15, 12, 0, 0, TimeSpan.Zero), SampleRequestShifter.Anchor);
    }

    [Theory]
    [InlineData("2025-06-15T04:00:00Z", "2025-06-17T07:00:00Z")]
    [InlineData("2025-06-14T22:30:00Z", "2025-06-17T01:30:00Z")]
    [InlineData("2025-12-31T23:00:00Z", "2026-01-03T02:00:00Z")]
    [InlineData("2025-06-15T04:00Z", "2025-06-17T07:00Z")]
    public void ShiftText_UtcDateTime_MovesByTheOffsetAndKeepsZ(string written, string expected)
    {
        Assert.Equal(expected, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Theory]
    [InlineData("2025-06-15T04:00:00+02:00", "2025-06-17T07:00:00+02:00")]
    [InlineData("2025-06-15T23:00:00-05:00", "2025-06-18T02:00:00-05:00")]
    [InlineData("2025-06-15T04:00:00+00:00", "2025-06-17T07:00:00+00:00")]
    public void ShiftText_DateTimeWithOffset_KeepsItsTimeZone(string written, string expected)
    {
        Assert.Equal(expected, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Theory]
    [InlineData("2025-06-15T04:00:00.123Z", "2025-06-17T07:00:00.123Z")]
    [InlineData("2025-06-15T04:00:00.5Z", "2025-06-17T07:00:00.5Z")]
    [InlineData("2025-06-15T04:00:00.1234567+01:00", "2025-06-17T07:00:00.1234567+01:00")]
    public void ShiftText_Instant_KeepsItsFractionDigits(string written, string expected)
    {
        Assert.Equal(expected, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Theory]
    [InlineData("1970-02-27", 2, "1970-03-01")]
    [InlineData("2024-02-28", 1, "2024-02-29")]
    [InlineData("2025-06-15", 0, "2025-06-15")]
    public void ShiftText_FullDate_MovesByWholeDays(string written, int days, string expected)
    {
        Assert.Equal(expected, SampleRequestShifter.ShiftText(written, TimeSpan.FromDays(days)));
    }

    [Fact]
    public void ShiftText_FullDate_MovesByTheWholeDaysBelowTheOffset()
    {
        // floor((asOf − anchor) / 1 day): +1.5 days → +1 day; −0.5 day → −1 day.
        Assert.Equal("2025-06-16", SampleRequestShifter.ShiftText("2025-06-15", TimeSpan.FromHours(36)));
        Assert.Equal("2025-06-14", SampleRequestShifter.ShiftText("2025-06-15", TimeSpan.FromHours(-12)));
    }

    [Theory]
    [InlineData("2025")]
    [InlineData("2025-06")]
    [InlineData("1970")]
    public void ShiftText_PartialDate_IsLeftAsWritten(string written)
    {
        Assert.Equal(written, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Theory]
    [InlineData("")]
    [InlineData("patient-view")]
    [InlineData("Patient/crs-g2-hypotension")]
    [InlineData("Observation/2025-06-15")]
    [InlineData("2025-06-15 04:00")]
    [InlineData("2025-06-15T04:00:00")]
    [InlineData("04:00:00")]
    [InlineData("b2e2b65c-78d9-5b6e-a0ba-382fe9a35099")]
    [InlineData("SYN-S04")]
    [InlineData("Temperature 38.4 °C on 2025-06-15T04:00:00Z")]
    [InlineData("20250615")]
    [InlineData("71287-119-01")]
    public void ShiftText_NonDateString_IsLeftAsWritten(string written)
    {
        Assert.Equal(written, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Theory]
    [InlineData("2025-02-30")]
    [InlineData("2025-13-01")]
    [InlineData("2025-06-15T25:00:00Z")]
    [InlineData("2025-02-30T04:00:00Z")]
    public void ShiftText_ImpossibleCalendarValue_IsLeftAsWrittenNotThrown(string written)
    {
        Assert.Equal(written, SampleRequestShifter.ShiftText(written, TwoDaysThreeHours));
    }

    [Fact]
    public void Shift_MovesEveryDateInTheTree_AndLeavesOtherValuesAlone()
    {
        const string request = """
            {
              "hook": "patient-view",
              "hookInstance": "00000000-0000-4000-8000-000000000001",
              "context": { "userId": "Practitioner/x", "patientId": "p1" },
              "prefetch": {
                "patient": { "resourceType": "Patient", "id": "p1", "birthDate": "1970-02-27", "active": true },
                "vitalSigns": { "resourceType": "Bundle", "type": "searchset", "total": 1, "entry": [
                  { "resource": { "resourceType": "Observation", "id": "t1", "effectiveDateTime": "2025-06-15T04:00:00Z",
                                  "valueQuantity": { "value": 38.4, "code": "Cel" }, "issued": "2025-06-15T04:10:00.250+02:00" } } ] },
                "conditions": { "resourceType": "Bundle", "type": "searchset", "entry": [
                  { "resource": { "resourceType": "Condition", "id": "c1", "onsetDateTime": "2024-10" } } ] },
                "procedures": null
              }
            }
            """;
        var asOf = SampleRequestShifter.Anchor + TwoDaysThreeHours;

        var shifted = JsonNode.Parse(SampleRequestShifter.Shift(request, asOf))!;

        Assert.Equal("1970-03-01", (string?)shifted["prefetch"]!["patient"]!["birthDate"]);
        Assert.True((bool)shifted["prefetch"]!["patient"]!["active"]!);
        var obs = shifted["prefetch"]!["vitalSigns"]!["entry"]![0]!["resource"]!;
        Assert.Equal("2025-06-17T07:00:00Z", (string?)obs["effectiveDateTime"]);
        Assert.Equal("2025-06-17T07:10:00.250+02:00", (string?)obs["issued"]);
        Assert.Equal(38.4m, (decimal)obs["valueQuantity"]!["value"]!);
        Assert.Equal(1, (int)shifted["prefetch"]!["vitalSigns"]!["total"]!);
        Assert.Equal("2024-10", (string?)shifted["prefetch"]!["conditions"]!["entry"]![0]!["resource"]!["onsetDateTime"]);
        Assert.Null(shifted["prefetch"]!["procedures"]);
        Assert.True(shifted["prefetch"]!.AsObject().ContainsKey("procedures"));
        Assert.Equal("00000000-0000-4000-8000-000000000001", (string?)shifted["hookInstance"]);
        Assert.Equal("Practitioner/x", (string?)shifted["context"]!["userId"]);
    }

    [Fact]
    public void Shift_ByZero_IsIdentityOnContent()
    {
        const string request = """
            { "a": "2025-06-15T04:00:00Z", "b": ["2025-06-15", "2025-06", 1.50, true, null, "2025-06-15T04:00:00.5+01:00"],
              "c": { "d": "not a date", "e": "2025-06-15T04:00:00.1234567Z" } }
            """;

        var shifted = SampleRequestShifter.Shift(request, SampleRequestShifter.Anchor);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(request), JsonNode.Parse(shifted)), shifted);
    }

    [Fact]
    public void Shift_ForwardThenBackByWholeDays_RestoresTheRequest()
    {
        const string request = """{ "t": "2025-06-15T04:00:00Z", "d": "2025-06-15", "z": "2025-06-15T04:00:00-07:00" }""";
        var forward = SampleRequestShifter.Shift(request, SampleRequestShifter.Anchor.AddDays(40));

        var back = SampleRequestShifter.Shift(forward, SampleRequestShifter.Anchor.AddDays(-40));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(request), JsonNode.Parse(back)), back);
    }

    [Fact]
    public void Shift_Backwards_MovesDatesIntoThePast()
    {
        var shifted = JsonNode.Parse(SampleRequestShifter.Shift("""{ "t": "2025-06-15T04:00:00Z", "d": "2025-06-15" }""",
            SampleRequestShifter.Anchor.AddDays(-3)))!;

        Assert.Equal("2025-06-12T04:00:00Z", (string?)shifted["t"]);
        Assert.Equal("2025-06-12", (string?)shifted["d"]);
    }

    [Fact]
    public void Shift_EmptyDocument_IsRefused()
    {
        Assert.ThrowsAny<System.Text.Json.JsonException>(() => SampleRequestShifter.Shift("null", SampleRequestShifter.Anchor));
    }
}
