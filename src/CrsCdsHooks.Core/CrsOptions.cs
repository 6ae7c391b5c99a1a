using System.ComponentModel.DataAnnotations;

using CrsCdsHooks.Core.Grading;

namespace CrsCdsHooks.Core;

/// <summary>
/// The institution-policy items of CRS-SPEC marked [configurable], with the spec's defaults. Bound by the
/// host from configuration section <c>CdsHooks:Grading</c> and validated at start-up.
/// </summary>
public sealed class CrsOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:Grading";

    /// <summary>The grading system the card leads with (CRS-SPEC §4); the others are always shown beside it.</summary>
    public GradingSystem PrimarySystem { get; set; } = GradingSystem.Astct2019;

    /// <summary>Days after infusion during which the patient is eligible (CRS-SPEC §1: 30, range 14–90).</summary>
    [Range(14, 90)]
    public int EligibilityDays { get; set; } = 30;

    /// <summary>Evaluation window in hours (CRS-SPEC §1: 24, range 6–72).</summary>
    [Range(6, 72)]
    public int WindowHours { get; set; } = 24;

    /// <summary>Age-based hypotension thresholds (CRS-SPEC §3).</summary>
    [Required]
    public HypotensionOptions Hypotension { get; set; } = new();

    /// <summary>Fever masking periods (CRS-SPEC §3, [operational]).</summary>
    [Required]
    public MaskingOptions Masking { get; set; } = new();

    /// <summary>Lee 2014 high-dose vasopressor thresholds (CRS-SPEC §4, Lee 2014 Table 2).</summary>
    [Required]
    public HighDoseVasopressorOptions Lee2014HighDose { get; set; } = new();

    /// <summary>Every validation error (empty when valid), naming the key, including nested options.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        Collect(this, Section, errors);
        Collect(Hypotension, $"{Section}:{nameof(Hypotension)}", errors);
        Collect(Masking, $"{Section}:{nameof(Masking)}", errors);
        Collect(Lee2014HighDose, $"{Section}:{nameof(Lee2014HighDose)}", errors);
        if (!Enum.IsDefined(PrimarySystem)) errors.Add($"{Section}:{nameof(PrimarySystem)} must be Astct2019, Lee2014 or CtcaeV5.");
        if (Hypotension.AdultSystolicFromAgeYears > Hypotension.AdultMeanFromAgeYears)
            errors.Add($"{Section}:{nameof(Hypotension)}:{nameof(HypotensionOptions.AdultSystolicFromAgeYears)} must not exceed {nameof(HypotensionOptions.AdultMeanFromAgeYears)}.");
        return errors;
    }

    private static void Collect(object target, string prefix, List<string> errors)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(target, new ValidationContext(target), results, validateAllProperties: true)) return;
        foreach (var r in results)
            errors.Add($"{prefix}:{string.Join(",", r.MemberNames)}: {r.ErrorMessage}");
    }
}

/// <summary>Hypotension thresholds by age (CRS-SPEC §3 [configurable]).</summary>
public sealed class HypotensionOptions
{
    /// <summary>Systolic below this is hypotension under 1 year (70 mmHg).</summary>
    [Range(30, 120)] public int InfantSystolicMmHg { get; set; } = 70;
    /// <summary>Base of the 1–9 year rule: systolic &lt; base + per-year × age (70).</summary>
    [Range(30, 120)] public int ChildSystolicBaseMmHg { get; set; } = 70;
    /// <summary>Per-year increment of the 1–9 year rule (2 mmHg).</summary>
    [Range(0, 10)] public int ChildSystolicPerYearMmHg { get; set; } = 2;
    /// <summary>Age from which the adult systolic threshold applies (10 years).</summary>
    [Range(1, 18)] public int AdultSystolicFromAgeYears { get; set; } = 10;
    /// <summary>Adult systolic threshold (90 mmHg).</summary>
    [Range(50, 140)] public int AdultSystolicMmHg { get; set; } = 90;
    /// <summary>Age from which MAP is also used (18 years).</summary>
    [Range(1, 30)] public int AdultMeanFromAgeYears { get; set; } = 18;
    /// <summary>MAP below this is hypotension from <see cref="AdultMeanFromAgeYears"/> (65 mmHg).</summary>
    [Range(40, 100)] public int AdultMeanMmHg { get; set; } = 65;
}

/// <summary>How long after its start a drug masks fever (CRS-SPEC §3 [operational masking periods]).</summary>
public sealed class MaskingOptions
{
    /// <summary>Tocilizumab, siltuximab, anakinra: 168 h (7 days).</summary>
    [Range(1, 720)] public int AntiCytokineHours { get; set; } = 168;
    /// <summary>Systemic corticosteroids: 72 h.</summary>
    [Range(1, 720)] public int CorticosteroidHours { get; set; } = 72;
    /// <summary>Antipyretics (acetaminophen, NSAIDs): 12 h.</summary>
    [Range(1, 72)] public int AntipyreticHours { get; set; } = 12;
}

/// <summary>Lee 2014 Table 2 high-dose vasopressor thresholds (inclusive; each sustained ≥ 3 h).</summary>
public sealed class HighDoseVasopressorOptions
{
    /// <summary>Norepinephrine monotherapy ≥ 20 µg/min.</summary>
    [Range(0.1, 1000)] public decimal NorepinephrineMicrogramsPerMinute { get; set; } = 20m;
    /// <summary>Dopamine monotherapy ≥ 10 µg/kg/min.</summary>
    [Range(0.1, 1000)] public decimal DopamineMicrogramsPerKilogramPerMinute { get; set; } = 10m;
    /// <summary>Phenylephrine monotherapy ≥ 200 µg/min.</summary>
    [Range(0.1, 10000)] public decimal PhenylephrineMicrogramsPerMinute { get; set; } = 200m;
    /// <summary>Epinephrine monotherapy ≥ 10 µg/min.</summary>
    [Range(0.1, 1000)] public decimal EpinephrineMicrogramsPerMinute { get; set; } = 10m;
    /// <summary>Vasopressin + norepinephrine-equivalent ≥ 10 µg/min.</summary>
    [Range(0.1, 1000)] public decimal WithVasopressinNorepinephrineEquivalent { get; set; } = 10m;
    /// <summary>Combination without vasopressin: norepinephrine-equivalent ≥ 20 µg/min.</summary>
    [Range(0.1, 1000)] public decimal CombinationNorepinephrineEquivalent { get; set; } = 20m;
    /// <summary>How long the dose must be sustained (3 h).</summary>
    [Range(0.5, 24)] public decimal SustainedHours { get; set; } = 3m;
}
