using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Management;

/// <summary>The weight doses use: the latest body weight (LOINC 29463-7) in the 30 days before asOf (CRS-SPEC §6).</summary>
internal static class BodyWeightLookup
{
    /// <summary>How old a weight may be (CRS-SPEC §6).</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(30);

    /// <summary>The latest weight timed in [asOf − 30 d, asOf + 5 min], or null.</summary>
    public static BodyWeight? Latest(ClinicalTimeline timeline, DateTimeOffset asOf) =>
        timeline.Weights
            .Where(w => w.Time >= asOf - MaxAge && w.Time <= asOf + Differential.ScreenFormat.ClockSkew)
            .OrderByDescending(w => w.Time)
            .FirstOrDefault();
}
