using System.Collections.Concurrent;
using System.Text.RegularExpressions;

using CrsCdsHooks.Core.Terminology;

using Fhir.Metrics;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Unit conversion for the reader: UCUM (Fhir.Metrics) for multiplicative units, formulas for temperature,
/// and the rounding of CRS-SPEC §9.5.
/// </summary>
/// <remarks>
/// <para>Units are UCUM codes (CRS-SPEC §2). A few spellings EHRs send instead are read as the UCUM unit
/// they plainly mean [operational]: "mcg" and "µg" → ug; "°C", "C", "degC" → Cel; "°F", "F", "degF" →
/// [degF]; "mmHg" → mm[Hg]; "lb", "lbs" → [lb_av]; "lpm" → L/min; "hr" → h; "K/uL", "10^3/uL",
/// "x10E3/uL" → 10*3/uL; "10^9/L", "G/L" (case-sensitive: g/L is grams) → 10*9/L; "bpm", "beats/min", "breaths/min" → /min. UCUM
/// annotations in braces ("{beats}/min", "{cells}/uL") carry no meaning and are dropped.</para>
/// <para>Fhir.Metrics takes about 2 ms per conversion, so the factor of each (from, to) pair is computed once,
/// rounded to 12 significant digits (its arithmetic leaves noise such as 59.99999999999988 s/min), and
/// cached (at most 4,096 pairs; unit strings come from clients). Converted values are cleaned to 9 decimals
/// before the §9.5 rounding so that noise never tips a half-way value.</para>
/// </remarks>
internal static partial class Units
{
    private const int MaxCachedPairs = 4096;
    private static readonly ConcurrentDictionary<(string From, string To), decimal?> Factors = new();
    private static readonly Lock MetricsLock = new();
    private static volatile string? _loadProblem;

    /// <summary>
    /// Why the UCUM library could not load, or null. Fhir.Metrics creates CultureInfo("en-US") when it loads,
    /// which fails in invariant-globalization mode unless the app sets PredefinedCulturesOnly=false
    /// (Directory.Build.props does). Without it only identical units, temperatures and the reader's own
    /// fractions convert; every other unit is reported as not convertible with this reason in the detail.
    /// </summary>
    public static string? LoadProblem => _loadProblem;

    [GeneratedRegex(@"\{[^{}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex Annotation();

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["°C"] = "Cel",
        ["℃"] = "Cel",
        ["C"] = "Cel",
        ["degC"] = "Cel",
        ["deg C"] = "Cel",
        ["Celsius"] = "Cel",
        ["Cel"] = "Cel",
        ["°F"] = "[degF]",
        ["℉"] = "[degF]",
        ["F"] = "[degF]",
        ["degF"] = "[degF]",
        ["deg F"] = "[degF]",
        ["Fahrenheit"] = "[degF]",
        ["[degF]"] = "[degF]",
        ["Kelvin"] = "K",
        ["mmHg"] = "mm[Hg]",
        ["mm Hg"] = "mm[Hg]",
        ["mm[Hg]"] = "mm[Hg]",
        ["lb"] = "[lb_av]",
        ["lbs"] = "[lb_av]",
        ["pound"] = "[lb_av]",
        ["pounds"] = "[lb_av]",
        ["[lb_av]"] = "[lb_av]",
        ["oz"] = "[oz_av]",
        ["kg"] = "kg",
        ["kgs"] = "kg",
        ["gm"] = "g",
        ["gms"] = "g",
        ["grams"] = "g",
        ["kilogram"] = "kg",
        ["kilograms"] = "kg",
        ["lpm"] = "L/min",
        ["l/min"] = "L/min",
        ["L/min"] = "L/min",
        ["liters/min"] = "L/min",
        ["litres/min"] = "L/min",
        ["liter/min"] = "L/min",
        ["K/uL"] = "10*3/uL",
        ["10^3/uL"] = "10*3/uL",
        ["x10^3/uL"] = "10*3/uL",
        ["x10E3/uL"] = "10*3/uL",
        ["10E3/uL"] = "10*3/uL",
        ["thou/uL"] = "10*3/uL",
        ["10*3/mm3"] = "10*3/uL",
        ["K/mm3"] = "10*3/uL",
        ["10^9/L"] = "10*9/L",
        ["x10^9/L"] = "10*9/L",
        ["x10E9/L"] = "10*9/L",
        ["10E9/L"] = "10*9/L",
        ["bpm"] = "/min",
        ["beats/min"] = "/min",
        ["breaths/min"] = "/min",
        ["beats per minute"] = "/min",
        ["breaths per minute"] = "/min",
        ["per min"] = "/min",
        ["min-1"] = "/min",
    };

    /// <summary>
    /// The UCUM unit to convert from: aliases resolved, µ/mcg spelled ug, hr spelled h, annotations dropped.
    /// Null for no unit.
    /// </summary>
    public static string? Normalize(string? unit)
    {
        if (string.IsNullOrWhiteSpace(unit)) return null;
        var u = unit.Trim();
        if (u.Length > 64) return u;
        if (u == "G/L") return "10*9/L"; // giga per litre; "g/L" (grams) stays UCUM
        if (Aliases.TryGetValue(u, out var alias)) return alias;
        u = u.Replace('µ', 'u').Replace('μ', 'u');
        u = u.Replace("mcg", "ug", StringComparison.OrdinalIgnoreCase);
        u = u.Replace("/hr", "/h", StringComparison.OrdinalIgnoreCase).Replace("/hour", "/h", StringComparison.OrdinalIgnoreCase);
        u = u.Replace("/mins", "/min", StringComparison.OrdinalIgnoreCase).Replace("/minute", "/min", StringComparison.OrdinalIgnoreCase);
        u = Annotation().Replace(u, "");
        if (u.Length == 0) return "1";
        if (Aliases.TryGetValue(u, out alias)) return alias;
        return u;
    }

    /// <summary>Converts <paramref name="value"/> from <paramref name="unit"/> (already normalised) to <paramref name="target"/> (UCUM, multiplicative).</summary>
    public static bool TryConvert(decimal value, string? unit, string target, out decimal result)
    {
        result = 0;
        if (unit is null) return false;
        if (string.Equals(unit, target, StringComparison.Ordinal))
        {
            result = value;
            return true;
        }
        var factor = Factor(unit, target);
        if (factor is null) return false;
        try
        {
            result = Clean(value * factor.Value);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>A temperature in °C from Cel, [degF] or K (by formula: UCUM libraries lack offset units).</summary>
    public static bool TryCelsius(decimal value, string? unit, out decimal celsius)
    {
        celsius = 0;
        try
        {
            switch (unit)
            {
                case "Cel":
                    celsius = value;
                    return true;
                case "[degF]":
                    celsius = (value - 32m) * 5m / 9m;
                    celsius = Clean(celsius);
                    return true;
                case "K":
                    celsius = value - 273.15m;
                    return true;
                default:
                    return false;
            }
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    /// <summary>Rounds half away from zero to <paramref name="decimals"/> (CRS-SPEC §9.5).</summary>
    public static decimal Round(decimal value, int decimals) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);

    /// <summary>Rounds half away from zero to a whole number, or null when it does not fit an int.</summary>
    public static int? RoundToInt(decimal value)
    {
        var r = Round(value, 0);
        return r is >= int.MinValue and <= int.MaxValue ? (int)r : null;
    }

    /// <summary>Removes arithmetic noise below 1e-9 before rounding to a clinical precision.</summary>
    public static decimal Clean(decimal value) => Math.Round(value, 9, MidpointRounding.AwayFromZero);

    private static decimal? Factor(string from, string to)
    {
        if (from.Length > 64) return null;
        if (Factors.TryGetValue((from, to), out var cached)) return cached;
        var factor = ComputeFactor(from, to);
        if (Factors.Count < MaxCachedPairs) Factors.TryAdd((from, to), factor);
        return factor;
    }

    private static decimal? ComputeFactor(string from, string to)
    {
        try
        {
            lock (MetricsLock)
            {
                if (!FhirMetricService.Instance.Value.TryConvertTo((1m, from, CodeSystems.Ucum), to, out var converted) || converted is null)
                    return null;
                var f = converted.Value.Item1;
                return f <= 0 ? null : Significant(f, 12);
            }
        }
        catch (TypeInitializationException ex)
        {
            _loadProblem = $"UCUM library unavailable: {ex.InnerException?.GetType().Name ?? ex.GetType().Name}; set PredefinedCulturesOnly=false";
            return null;
        }
#pragma warning disable CA1031 // A client's unit string must never break the reader: any failure means "not convertible".
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static decimal Significant(decimal value, int digits)
    {
        if (value == 0) return 0;
        var magnitude = (int)Math.Floor(Math.Log10((double)Math.Abs(value)));
        var decimals = digits - 1 - magnitude;
        if (decimals < 0)
        {
            var scale = (decimal)Math.Pow(10, -decimals);
            return Math.Round(value / scale, 0, MidpointRounding.AwayFromZero) * scale;
        }
        return Math.Round(value, Math.Min(decimals, 28), MidpointRounding.AwayFromZero);
    }
}
