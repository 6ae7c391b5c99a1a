using System.Globalization;

using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>How values and times read in explanations and cards (invariant culture, UTC).</summary>
internal static class ClinicalText
{
    /// <summary>"2025-03-03 10:00 UTC".</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"2025-03-03T10:00:00Z" (ISO 8601, UTC; fractional seconds only when present).</summary>
    public static string IsoUtc(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>A decimal without trailing zeros ("6", "6.5").</summary>
    public static string Number(decimal value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>An integer.</summary>
    public static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>"38.4 °C".</summary>
    public static string Celsius(decimal celsius) => $"{celsius.ToString("0.0", CultureInfo.InvariantCulture)} °C";

    /// <summary>"38.4 °C (recorded 101.1 [degF])", the recorded part only when it differs from the converted one.</summary>
    public static string Temperature(BodyTemperature t)
    {
        ArgumentNullException.ThrowIfNull(t);
        var converted = Celsius(t.Celsius);
        return t.Recorded.Unit == "Cel" && t.Recorded.Value == t.Celsius ? converted : $"{converted} (recorded {t.Recorded})";
    }

    /// <summary>"84/52 mmHg (MAP 62)"; parts absent are left out.</summary>
    public static string Pressure(ArterialPressure p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var main = p.SystolicMmHg is { } s
            ? p.DiastolicMmHg is { } d ? $"{Number(s)}/{Number(d)} mmHg" : $"systolic {Number(s)} mmHg"
            : p.DiastolicMmHg is { } dOnly ? $"diastolic {Number(dOnly)} mmHg" : null;
        var mean = p.MeanMmHg is { } m ? $"MAP {Number(m)} mmHg" : null;
        return (main, mean) switch
        {
            (not null, not null) => $"{main} ({mean})",
            (not null, null) => main,
            (null, not null) => mean,
            _ => "no value",
        };
    }

    /// <summary>"80.0 kg (recorded 176.4 [lb_av])".</summary>
    public static string Weight(BodyWeight w)
    {
        ArgumentNullException.ThrowIfNull(w);
        var converted = $"{w.Kilograms.ToString("0.0", CultureInfo.InvariantCulture)} kg";
        return w.Recorded.Unit == "kg" && w.Recorded.Value == w.Kilograms ? converted : $"{converted} (recorded {w.Recorded})";
    }

    /// <summary>"0.1 µg/kg/min (recorded 0.1 ug/kg/min)" or "rate not recorded".</summary>
    public static string Rate(InfusionRate? rate)
    {
        if (rate is null) return "rate not recorded";
        var converted = $"{Number(rate.Value)} {(rate.PerKilogram ? "µg/kg/min" : "µg/min")}";
        return $"{converted} (recorded {rate.Recorded})";
    }

    /// <summary>"from 2025-03-03 10:00 UTC to 14:00 UTC", "at …", "from … (in progress)".</summary>
    public static string Period(TimeInterval when)
    {
        if (when.IsPoint) return $"at {Time(when.Start)}";
        return when.End is { } end ? $"from {Time(when.Start)} to {Time(end)}" : $"from {Time(when.Start)} (no end recorded)";
    }

    /// <summary>"12 h", "72 h", "7 days".</summary>
    public static string Hours(TimeSpan span) =>
        span.TotalHours >= 48 && span.TotalHours % 24 == 0
            ? $"{Number((int)span.TotalDays)} days"
            : $"{Number((decimal)span.TotalHours)} h";

    /// <summary>The card's name for a system.</summary>
    public static string SystemName(GradingSystem system) => system switch
    {
        GradingSystem.Lee2014 => "Lee 2014",
        GradingSystem.CtcaeV5 => "CTCAE v5.0",
        _ => "ASTCT 2019",
    };

    /// <summary>The wire name of a system ("astct2019", "lee2014", "ctcae5").</summary>
    public static string WireName(GradingSystem system) => system switch
    {
        GradingSystem.Lee2014 => "lee2014",
        GradingSystem.CtcaeV5 => "ctcae5",
        _ => "astct2019",
    };

    /// <summary>"norepinephrine, vasopressin" (distinct, in order of first appearance).</summary>
    public static string DrugNames(IEnumerable<DrugAdministration> administrations) =>
        string.Join(", ", administrations.Select(a => a.Drug?.GenericName() ?? a.Name).Distinct(StringComparer.Ordinal));
}
