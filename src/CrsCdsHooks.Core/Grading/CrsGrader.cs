using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Grades CRS after CAR-T infusion in ASTCT 2019, Lee 2014 and CTCAE v5.0 (CRS-SPEC §1, §3, §4, §9): the infusion
/// course and eligibility, the current grade over the evaluation window with its upper bound, the peak since
/// infusion, and the evidence, data gaps and review notes behind them. Pure: time comes in as <c>asOf</c>.
/// </summary>
public static class CrsGrader
{
    /// <summary>Assesses CRS at <paramref name="asOf"/>.</summary>
    /// <param name="timeline">What the reader understood of the patient's record.</param>
    /// <param name="asOf">The request time; every window ends here.</param>
    /// <param name="options">Validated institution options (eligibility, window, thresholds, masking periods).</param>
    /// <param name="primary">The system the card leads with (all three are always computed).</param>
    /// <returns>The assessment; <see cref="CrsAssessment.Eligible"/> false (and no grades) when there is no CAR-T
    /// infusion at or before asOf, or it was more than <see cref="CrsOptions.EligibilityDays"/> days ago.</returns>
    public static CrsAssessment Grade(ClinicalTimeline timeline, DateTimeOffset asOf, CrsOptions options, GradingSystem primary)
    {
        ArgumentNullException.ThrowIfNull(timeline);
        ArgumentNullException.ThrowIfNull(options);

        var infusion = InfusionCourse.Find(timeline.Infusions, asOf);
        if (!InfusionCourse.IsEligible(infusion, asOf, options.EligibilityDays))
        {
            return new CrsAssessment
            {
                AsOf = asOf,
                Infusion = infusion,
                Eligible = false,
                PrimarySystem = primary,
                WindowHours = options.WindowHours,
            };
        }

        var evaluator = new WindowEvaluator(timeline, infusion!.Start, options);
        var facts = evaluator.Facts(asOf);
        var peak = Peak(evaluator, infusion.Start, asOf, facts.Grades);
        return GradeExplainer.Explain(timeline, infusion, facts, peak, options, primary);
    }

    /// <summary>
    /// The highest current grade over windows ending at every data point time between T0 and asOf, each evaluated as
    /// if asOf were that time (CRS-SPEC §1, §9.25); the current window is one of them.
    /// </summary>
    /// <remarks>[operational] Candidate window ends are the times of temperatures, pressures, organ labs, weights,
    /// masking drugs, and the starts and ends of vasopressor and oxygen periods (a high-dose run or an oxygen period is
    /// longest at its end). Each window reads only its own entries through the time indexes.</remarks>
    internal static WindowGrades Peak(WindowEvaluator evaluator, DateTimeOffset t0, DateTimeOffset asOf, WindowGrades current)
    {
        var times = evaluator.DataPointTimes().Where(t => t >= t0.UtcTicks && t < asOf.UtcTicks).ToArray();
        Array.Sort(times);
        int astct = current.Astct.Grade, lee = current.Lee.Grade, ctcae = current.Ctcae.Grade;
        for (var i = 0; i < times.Length; i++)
        {
            if (i > 0 && times[i] == times[i - 1]) continue;
            if (astct == 4 && lee == 4 && ctcae == 4) break;
            var g = evaluator.Grades(times[i], withLeeHighDose: lee < 3 && evaluator.LeeHighDosePossible);
            astct = Math.Max(astct, g.Astct.Grade);
            lee = Math.Max(lee, g.Lee.Grade);
            ctcae = Math.Max(ctcae, g.Ctcae.Grade);
        }

        return new WindowGrades(Severity.Exactly(astct), Severity.Exactly(lee), Severity.Exactly(ctcae));
    }
}
