using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>
/// Epinephrine given intramuscularly or subcutaneously, or as a single point-in-time dose, that counts as a
/// vasopressor. CRS-SPEC §3 and §8.2 make epinephrine a vasopressor and exclude no route, so the grade follows the
/// spec; the cards only flag such a dose for review.
/// </summary>
/// <remarks>
/// [operational] The review note is ours, not the spec's: an IM/SC or single epinephrine dose is usually anaphylaxis
/// treatment (0.3–0.5 mg IM), not the vasopressor infusion the criteria mean. A point-in-time administration with a
/// recorded rate is a charted infusion, not a single dose, and is not flagged.
/// </remarks>
internal static class EpinephrineDoseReview
{
    /// <summary>True for epinephrine given IM/SC, or at a point in time without a rate.</summary>
    public static bool NeedsReview(DrugAdministration administration) =>
        administration.Drug == Drug.Epinephrine
        && (administration.InjectionRoute is not null || (administration.When.IsPoint && administration.Rate is null));

    /// <summary>The CRS card's review note (CRS-SPEC §3).</summary>
    public static string CrsNote(DrugAdministration administration) =>
        $"{Describe(administration)} counted as a vasopressor (CRS-SPEC §3); {Why(administration)}: review.";

    /// <summary>The anaphylaxis card's note when such a dose is what makes hypotension a sign (CRS-SPEC §9.22).</summary>
    public static string AnaphylaxisNote(DrugAdministration administration) =>
        $"{Describe(administration)} counted as a vasopressor, and so as hypotension, an anaphylaxis sign (CRS-SPEC §9.22); {Why(administration)}: review.";

    /// <summary>"Epinephrine 0.3 mg IM at 2025-06-15 09:35 UTC (MedicationAdministration/ma1)".</summary>
    internal static string Describe(DrugAdministration a)
    {
        var dose = a.Dose is { } d ? $" {d}" : string.Empty;
        var route = a.InjectionRoute is { } r ? $" {r}" : " (a single dose)";
        return $"Epinephrine{dose}{route} at {ClinicalText.Time(a.When.Start)} ({a.Source})";
    }

    private static string Why(DrugAdministration a) => a.InjectionRoute is not null
        ? "an IM/SC dose is usually anaphylaxis treatment, not a vasopressor infusion"
        : "a single epinephrine dose is usually anaphylaxis treatment or a bolus, not a vasopressor infusion";
}
