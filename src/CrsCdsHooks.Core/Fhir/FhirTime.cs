using System.Globalization;
using System.Text.RegularExpressions;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>How precise a FHIR date/dateTime/instant literal is.</summary>
internal enum TimePrecision
{
    /// <summary>Not a valid literal.</summary>
    Invalid,
    /// <summary>"2026": a year.</summary>
    Year,
    /// <summary>"2026-03": a month.</summary>
    Month,
    /// <summary>"2026-03-01": a day.</summary>
    Day,
    /// <summary>"2026-03-01T10:00:00" without a time zone (invalid FHIR: a time needs a zone).</summary>
    TimeWithoutZone,
    /// <summary>"2026-03-01T10:00:00Z": an instant.</summary>
    Instant,
}

/// <summary>A parsed FHIR time literal: the earliest instant it allows (UTC for dates) and its precision.</summary>
/// <param name="Precision">How precise it is.</param>
/// <param name="Earliest">The earliest instant it allows (midnight UTC of the first day for partial dates).</param>
internal readonly record struct FhirTimeValue(TimePrecision Precision, DateTimeOffset Earliest)
{
    /// <summary>True when it names an instant (a time with a zone).</summary>
    public bool IsInstant => Precision == TimePrecision.Instant;

    /// <summary>True when it is a valid date of any precision (year, month, day) or better.</summary>
    public bool HasDate => Precision != TimePrecision.Invalid;

    /// <summary>Why it is not an instant, for issue details.</summary>
    public string Problem => Precision switch
    {
        TimePrecision.Invalid => "not a valid date/time",
        TimePrecision.TimeWithoutZone => "a time without a time zone",
        TimePrecision.Instant => "",
        _ => "a date without a time",
    };
}

/// <summary>
/// Reads FHIR date, dateTime and instant literals exactly (CRS-SPEC §9.2).
/// </summary>
/// <remarks>
/// [operational] Only an instant — a date with a time and a time zone — is a usable time for clinical
/// events (vitals, labs, administrations, procedures): a date alone cannot be placed in a 24-hour window,
/// and a time without a zone (invalid FHIR R4) is ambiguous by up to ±14 h; such resources are ignored and
/// reported (no-usable-time) rather than guessed. Exceptions, each documented where used: Conditions fall
/// back to the start of the day (UTC) of a date-only onset/recordedDate; a CAR-T infusion with a date only
/// takes the start of that day (UTC) with a review note; a partial birth date takes its earliest day
/// (CRS-SPEC §9.4).
/// </remarks>
internal static partial class FhirTime
{
    [GeneratedRegex(@"^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Literal();

    /// <summary>Parses a literal; anything malformed or out of range is <see cref="TimePrecision.Invalid"/>.</summary>
    public static FhirTimeValue Parse(string? literal)
    {
        var invalid = new FhirTimeValue(TimePrecision.Invalid, default);
        if (string.IsNullOrWhiteSpace(literal) || literal.Length > 40) return invalid;
        var m = Literal().Match(literal.Trim());
        if (!m.Success) return invalid;
        try
        {
            var year = Int(m.Groups[1]);
            if (year < 1) return invalid;
            if (!m.Groups[2].Success) return new(TimePrecision.Year, Utc(year, 1, 1));
            var month = Int(m.Groups[2]);
            if (month is < 1 or > 12) return invalid;
            if (!m.Groups[3].Success) return new(TimePrecision.Month, Utc(year, month, 1));
            var day = Int(m.Groups[3]);
            if (day < 1 || day > DateTime.DaysInMonth(year, month)) return invalid;
            if (!m.Groups[4].Success) return new(TimePrecision.Day, Utc(year, month, day));
            var hour = Int(m.Groups[4]);
            var minute = Int(m.Groups[5]);
            var second = m.Groups[6].Success ? Int(m.Groups[6]) : 0;
            if (hour > 23 || minute > 59 || second > 59) return invalid;
            var ticks = 0L;
            if (m.Groups[7].Success)
            {
                var fraction = m.Groups[7].Value.PadRight(7, '0')[..7];
                ticks = long.Parse(fraction, NumberStyles.None, CultureInfo.InvariantCulture);
            }
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            if (!m.Groups[8].Success) return new(TimePrecision.TimeWithoutZone, new DateTimeOffset(local, TimeSpan.Zero));
            var zone = m.Groups[8].Value;
            var offset = TimeSpan.Zero;
            if (zone != "Z")
            {
                var oh = int.Parse(zone.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                var om = int.Parse(zone.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture);
                if (oh > 14 || om > 59 || (oh == 14 && om > 0)) return invalid;
                offset = new TimeSpan(oh, om, 0);
                if (zone[0] == '-') offset = -offset;
            }
            return new(TimePrecision.Instant, new DateTimeOffset(local, offset));
        }
        catch (ArgumentOutOfRangeException)
        {
            return invalid;
        }
    }

    /// <summary>Reads a date/dateTime/instant primitive (raw literal or a typed DateTimeOffset).</summary>
    public static FhirTimeValue Read(PrimitiveType? primitive) => primitive?.JsonValue switch
    {
        DateTimeOffset dto => new(TimePrecision.Instant, dto),
        string s => Parse(s),
        _ => new(TimePrecision.Invalid, default),
    };

    /// <summary>
    /// A point in time or a period from effective[x]/performed[x]/onset[x]: dateTime and instant give a
    /// point; a Period gives its start and its end (null when absent, unreadable or before the start).
    /// Returns false with <paramref name="problem"/> when there is no usable start.
    /// </summary>
    public static bool TryReadInterval(DataType? value, out DateTimeOffset start, out DateTimeOffset? end, out bool isPeriod, out string problem)
    {
        start = default;
        end = null;
        isPeriod = false;
        problem = "";
        switch (value)
        {
            case null:
                problem = "no time recorded";
                return false;
            case FhirDateTime or Instant or Date:
                {
                    var t = Read((PrimitiveType)value);
                    if (!t.IsInstant) { problem = t.Problem; return false; }
                    start = t.Earliest;
                    end = start;
                    return true;
                }
            case Period period:
                {
                    var s = Read(period.StartElement);
                    if (!s.IsInstant)
                    {
                        problem = period.StartElement is null ? "a period without a start" : "a period start that is " + s.Problem;
                        return false;
                    }
                    start = s.Earliest;
                    isPeriod = true;
                    var e = Read(period.EndElement);
                    end = e.IsInstant && e.Earliest >= start ? e.Earliest : null;
                    return true;
                }
            default:
                problem = $"a time of type {value.TypeName} cannot be placed on the timeline";
                return false;
        }
    }

    private static int Int(System.Text.RegularExpressions.Group g) => int.Parse(g.ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture);

    private static DateTimeOffset Utc(int year, int month, int day) => new(year, month, day, 0, 0, 0, TimeSpan.Zero);
}