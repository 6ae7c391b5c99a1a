namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Rounding before comparison with a threshold (CRS-SPEC §9.5, §9.31): half away from zero, to the threshold's
/// own decimals (a threshold of 20 compares whole numbers; 1.8 compares tenths).
/// </summary>
internal static class ClinicalRounding
{
    /// <summary>The number of decimals a threshold is written with (trailing zeros dropped: 3.0 → 0, 1.80 → 1).</summary>
    public static int DecimalsOf(decimal threshold)
    {
        var normalized = threshold / 1.000000000000000000000000000000000m;
        return normalized.Scale;
    }

    /// <summary>The value rounded half away from zero to the decimals of <paramref name="threshold"/>.</summary>
    public static decimal ToDecimalsOf(decimal value, decimal threshold) =>
        Math.Round(value, DecimalsOf(threshold), MidpointRounding.AwayFromZero);

    /// <summary>
    /// The smallest non-negative value that rounds (half away from zero, to the threshold's decimals) to at least the
    /// threshold: threshold − ½ unit of its last decimal (20 → 19.5; 1.8 → 1.75). Comparing with it once replaces
    /// rounding every value.
    /// </summary>
    public static decimal AtOrAboveCutoff(decimal threshold) =>
        threshold - new decimal(5, 0, 0, false, (byte)(DecimalsOf(threshold) + 1));

    /// <summary>True when the value, rounded to the threshold's decimals, is at or above it (inclusive thresholds).</summary>
    public static bool AtOrAbove(decimal value, decimal threshold) => ToDecimalsOf(value, threshold) >= threshold;

    /// <summary>True when the value, rounded to <paramref name="decimals"/>, is strictly above the threshold (CTCAE "&gt; n × ULN").</summary>
    public static bool Above(decimal value, decimal threshold, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero) > threshold;
}
