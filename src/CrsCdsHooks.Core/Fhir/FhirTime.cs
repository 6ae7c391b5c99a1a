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
        return TryParseInstant(literal, out var instant) ? instant : ParseGeneral(literal);
    }

    /// <summary>The general reading of <see cref="Parse"/> (a regular expression); internal so tests can hold the fast path to it.</summary>
    internal static FhirTimeValue ParseGeneral(string literal)
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

    /// <summary>
    /// The common case without the regular expression: <c>YYYY-MM-DDThh:mm:ss[.f{1,7}](Z|±hh:mm)</c> with nothing
    /// around it. Gives exactly what the general path gives for such a literal (the same range checks, the same
    /// instant); false for anything else, which the general path then reads.
    /// </summary>
    private static bool TryParseInstant(string s, out FhirTimeValue value)
    {
        value = default;
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':') return false;
        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
            return false;
        var i = 19;
        var ticks = 0L;
        if (s[i] == '.')
        {
            var digits = 0;
            while (i + 1 + digits < s.Length && char.IsAsciiDigit(s[i + 1 + digits])) digits++;
            if (digits is < 1 or > 7) return false;
            for (var d = 0; d < 7; d++) ticks = (ticks * 10) + (d < digits ? s[i + 1 + d] - '0' : 0);
            i += 1 + digits;
        }
        var offset = TimeSpan.Zero;
        if (i == s.Length - 1 && s[i] == 'Z')
        {
            // UTC
        }
        else if (i == s.Length - 6 && s[i] is '+' or '-' && s[i + 3] == ':' && Digits(s, i + 1, 2, out var oh) && Digits(s, i + 4, 2, out var om))
        {
            if (oh > 14 || om > 59 || (oh == 14 && om > 0)) return false;
            offset = new TimeSpan(oh, om, 0);
            if (s[i] == '-') offset = -offset;
        }
        else
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;
        try
        {
            var local = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks);
            value = new FhirTimeValue(TimePrecision.Instant, new DateTimeOffset(local, offset));
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static bool Digits(string s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i])) return false;
            value = (value * 10) + (s[i] - '0');
        }
        return true;
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
