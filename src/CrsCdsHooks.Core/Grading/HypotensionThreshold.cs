using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Age-based hypotension (CRS-SPEC §3 [configurable]): systolic &lt; 70 mmHg under 1 year; &lt; 70 + 2 × age
/// (years, floored) for 1–9 years; &lt; 90 mmHg from 10 years; or MAP &lt; 65 mmHg from 18 years. No birth
/// date → adult thresholds (the caller reports the gap). Shared by the graders and the anaphylaxis screen.
/// </summary>
public static class HypotensionThreshold
{
    /// <summary>The systolic threshold (hypotension when systolic is below it) at an age.</summary>
    /// <param name="ageYears">Age in whole years at asOf, or null when unknown (adult thresholds).</param>
    /// <param name="options">The configured thresholds.</param>
    public static int SystolicBelow(int? ageYears, HypotensionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (ageYears is not { } age) return options.AdultSystolicMmHg;
        if (age < 1) return options.InfantSystolicMmHg;
        if (age < options.AdultSystolicFromAgeYears) return options.ChildSystolicBaseMmHg + (options.ChildSystolicPerYearMmHg * age);
        return options.AdultSystolicMmHg;
    }

    /// <summary>The MAP threshold at an age, or null when MAP is not used (under 18 years).</summary>
    public static int? MeanBelow(int? ageYears, HypotensionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return ageYears is { } age && age < options.AdultMeanFromAgeYears ? null : options.AdultMeanMmHg;
    }

    /// <summary>True when the reading is below the systolic or (from 18 years) the MAP threshold.</summary>
    public static bool IsHypotensive(ArterialPressure reading, int? ageYears, HypotensionOptions options)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (reading.SystolicMmHg is { } sbp && sbp < SystolicBelow(ageYears, options)) return true;
        return reading.MeanMmHg is { } map && MeanBelow(ageYears, options) is { } mapBelow && map < mapBelow;
    }
}
