using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Finds the current CAR-T course and its infusion time T0 (CRS-SPEC §1, §9.1, §9.32, §9.33).
/// </summary>
internal static class InfusionCourse
{
    /// <summary>
    /// The most recent course at <paramref name="asOf"/>: administrations (MedicationAdministration or Procedure,
    /// every accepted status) that started at or before asOf, chained while each begins less than 21 days after the
    /// previous one. T0 is the start of the course's earliest administration. Null when none started by asOf.
    /// </summary>
    /// <remarks>
    /// [operational] The product is that of the earliest administration; when that one names no product (a
    /// Procedure "CAR-T cell infusion"), the first named product of the course. Administrations after asOf are not
    /// yet given and are ignored here (the reader reports data more than 5 minutes after asOf).
    /// </remarks>
    public static InfusionContext? Find(IReadOnlyList<CarTInfusion> infusions, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(infusions);
        var given = infusions
            .Where(i => i.Start <= asOf)
            .OrderBy(i => i.Start)
            .ThenBy(i => i.Product == CarTProduct.Unspecified ? 1 : 0)
            .ThenBy(i => i.Source, StringComparer.Ordinal)
            .ToList();
        if (given.Count == 0) return null;

        var courseStart = 0;
        for (var i = 1; i < given.Count; i++)
        {
            if (given[i].Start - given[i - 1].Start >= GradingCriteria.NewCourseAfter) courseStart = i;
        }

        var course = given.GetRange(courseStart, given.Count - courseStart);
        var t0 = course[0].Start;
        var product = course.FirstOrDefault(c => c.Product != CarTProduct.Unspecified)?.Product ?? CarTProduct.Unspecified;
        return new InfusionContext(product, t0, DayAfter(t0, asOf), course);
    }

    /// <summary>Day after infusion: floor((asOf − T0) / 24 h).</summary>
    public static int DayAfter(DateTimeOffset t0, DateTimeOffset asOf) =>
        (int)((asOf - t0).Ticks / TimeSpan.TicksPerDay);

    /// <summary>Eligible when asOf − T0 ≤ the configured number of days (CRS-SPEC §1, inclusive).</summary>
    public static bool IsEligible(InfusionContext? infusion, DateTimeOffset asOf, int eligibilityDays) =>
        infusion is not null && asOf - infusion.Start <= TimeSpan.FromDays(eligibilityDays);
}
