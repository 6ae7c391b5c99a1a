using CrsCdsHooks.Core.Differential;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Management;

/// <summary>
/// Tocilizumab dose and limits (CRS-SPEC §6, §9.5, §9.24, §9.36; tocilizumab product label for CRS):
/// 8 mg/kg IV over 1 h, 12 mg/kg below 30 kg, at most 800 mg per dose, rounded to the nearest mg (half away
/// from zero); doses at least 8 h apart, at most 3 in 24 h and 4 in the course.
/// </summary>
/// <remarks>
/// "In the last 8 h" and "in 24 h" count administrations whose start lies in (asOf − 8 h, asOf] and
/// (asOf − 24 h, asOf] (a dose started exactly 8 h ago no longer blocks the next), whatever the course;
/// "in total" counts starts at or after T0 of the current course. Every accepted administration
/// (completed, in-progress, stopped) counts.
/// </remarks>
internal static class TocilizumabDosing
{
    public const decimal MilligramsPerKilogram = 8m;
    public const decimal MilligramsPerKilogramBelow30Kg = 12m;
    public const decimal LowWeightBelowKg = 30m;
    public const decimal MaximumDoseMg = 800m;
    public const int MaximumDosesPer24Hours = 3;
    public const int MaximumDosesPerCourse = 4;
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromHours(8);
    public static readonly TimeSpan DayWindow = TimeSpan.FromHours(24);

    /// <summary>The guideline alternatives when the limit is reached (ASCO 2021).</summary>
    public const string Alternatives = "corticosteroids, siltuximab or anakinra";

    /// <summary>The dose for a weight and the arithmetic behind it ("8 mg/kg × 72.4 kg = 579.2 → 579 mg").</summary>
    public static (int DoseMg, decimal MgPerKg, string Arithmetic) Dose(decimal weightKg)
    {
        var kg = ScreenFormat.Round(weightKg, 1);
        var perKg = kg < LowWeightBelowKg ? MilligramsPerKilogramBelow30Kg : MilligramsPerKilogram;
        var raw = perKg * kg;
        var capped = Math.Min(raw, MaximumDoseMg);
        var dose = (int)ScreenFormat.Round(capped, 0);
        var text = $"{ScreenFormat.Number(perKg)} mg/kg × {ScreenFormat.Number(kg)} kg = {ScreenFormat.Number(raw)}";
        if (raw > MaximumDoseMg) text += $" mg → capped at the maximum of {ScreenFormat.Number(MaximumDoseMg)} mg per dose";
        else if (dose != raw) text += $" → {dose} mg";
        else text += " mg";
        return (dose, perKg, text);
    }

    /// <summary>The tocilizumab history at asOf and which limit, if any, blocks a new dose now.</summary>
    public static History Count(ClinicalTimeline timeline, DateTimeOffset asOf, DateTimeOffset? t0)
    {
        var starts = timeline.Drugs
            .Where(d => d.Drug == Drug.Tocilizumab && d.When.Start <= asOf + ScreenFormat.ClockSkew)
            .Select(d => d.When.Start)
            .OrderBy(s => s)
            .ToList();
        var last24 = starts.Where(s => s > asOf - DayWindow).ToList();
        var last8 = starts.Where(s => s > asOf - MinimumInterval).ToList();
        var course = t0 is { } start ? starts.Where(s => s >= start).ToList() : starts;

        if (course.Count >= MaximumDosesPerCourse)
            return new History(last24.Count, course.Count, starts.LastOrDefault(), null,
                $"{course.Count} doses of tocilizumab in this course: the limit of {MaximumDosesPerCourse} per course is reached. Guidelines name {Alternatives} as alternatives.",
                LimitReached: true);

        if (last24.Count >= MaximumDosesPer24Hours)
        {
            var next = last24[last24.Count - MaximumDosesPer24Hours] + DayWindow;
            if (last8.Count > 0 && last8[^1] + MinimumInterval > next) next = last8[^1] + MinimumInterval;
            return new History(last24.Count, course.Count, starts.LastOrDefault(), next,
                $"{last24.Count} doses of tocilizumab in the last 24 h: the limit of {MaximumDosesPer24Hours} per 24 h is reached; the next dose may start at {ScreenFormat.Time(next)} at the earliest. Guidelines name {Alternatives} as alternatives.",
                LimitReached: true);
        }

        if (last8.Count > 0)
        {
            var latest = last8[^1];
            var next = latest + MinimumInterval;
            return new History(last24.Count, course.Count, latest, next,
                $"The last tocilizumab dose started {ScreenFormat.Time(latest)} ({ScreenFormat.Duration(asOf - latest)} ago): doses must be at least 8 h apart, so the next may start at {ScreenFormat.Time(next)} if there is no improvement.",
                LimitReached: false);
        }

        return new History(last24.Count, course.Count, starts.Count > 0 ? starts[^1] : null, null, null, LimitReached: false);
    }

    /// <summary>Tocilizumab history and the blocking limit.</summary>
    /// <param name="DosesLast24h">Starts in (asOf − 24 h, asOf].</param>
    /// <param name="DosesTotal">Starts since T0 (the current course).</param>
    /// <param name="LatestStart">The latest start, if any.</param>
    /// <param name="NextAllowedAt">When the blocking limit lifts, if it lifts with time.</param>
    /// <param name="BlockReason">Why no dose may be given now, or null.</param>
    /// <param name="LimitReached">True for the 24 h and course limits (alternatives are named).</param>
    internal sealed record History(
        int DosesLast24h,
        int DosesTotal,
        DateTimeOffset? LatestStart,
        DateTimeOffset? NextAllowedAt,
        string? BlockReason,
        bool LimitReached);
}
