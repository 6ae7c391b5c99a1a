using System.Globalization;

namespace CrsCdsHooks.Core.Differential;

/// <summary>Number, unit, time and rounding conventions shared by the differential screens and their cards.</summary>
internal static class ScreenFormat
{
    /// <summary>Data timed up to 5 minutes after asOf is still read (CRS-SPEC §9.2 clock skew).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Rounds half away from zero to <paramref name="decimals"/> places (CRS-SPEC §9.5, §9.31).</summary>
    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>A number with no trailing zeros, invariant culture ("579.2", "600", "0.45").</summary>
    public static string Number(decimal value) => value.ToString("0.####", CultureInfo.InvariantCulture);

    /// <summary>A number with a fixed count of decimals ("2.0").</summary>
    public static string Fixed(decimal value, int decimals) =>
        value.ToString(decimals == 0 ? "0" : "0." + new string('0', decimals), CultureInfo.InvariantCulture);

    /// <summary>A UCUM unit as a clinician reads it ("10*9/L" → "× 10⁹/L").</summary>
    public static string Unit(string unit) => unit switch
    {
        "10*9/L" => "× 10⁹/L",
        "Cel" => "°C",
        _ => unit,
    };

    /// <summary>A time as the cards show it: "2025-06-15 08:00 UTC".</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>A duration in hours and minutes ("5 h 50 min", "2 h", "45 min").</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero) span = span.Negate();
        var hours = (int)span.TotalHours;
        var minutes = span.Minutes;
        if (hours == 0) return $"{minutes} min";
        return minutes == 0 ? $"{hours} h" : $"{hours} h {minutes} min";
    }
}
