using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>The three grading systems (CRS-SPEC §3–4).</summary>
public enum GradingSystem
{
    /// <summary>ASTCT 2019 consensus (the default primary system). Wire name "astct2019".</summary>
    Astct2019,
    /// <summary>Lee 2014. Wire name "lee2014".</summary>
    Lee2014,
    /// <summary>CTCAE v5.0. Wire name "ctcae5".</summary>
    CtcaeV5,
}

/// <summary>Whether a fever was measured in the evaluation window.</summary>
public enum FeverStatus
{
    /// <summary>A temperature ≥ 38.0 °C in the window.</summary>
    Febrile,
    /// <summary>Temperatures in the window, all below 38.0 °C.</summary>
    Afebrile,
    /// <summary>No temperature in the window: graded as afebrile, upper bound as febrile (CRS-SPEC §9.7).</summary>
    Unknown,
}

/// <summary>
/// One fact behind a finding, shown in the criteria table so a clinician can check it independently.
/// </summary>
/// <param name="Criterion">A kebab-case criterion name: fever, fever-waiver, hypotension, vasopressor, inotrope,
/// oxygen-support, spo2, organ-toxicity, infusion, weight, …</param>
/// <param name="Finding">A short sentence, e.g. "Temperature 38.4 °C (recorded 101.1 [degF])".</param>
/// <param name="Time">When the fact was recorded (the start, for a period).</param>
/// <param name="Sources">The resources behind it ("Observation/t1").</param>
public sealed record EvidenceItem(string Criterion, string Finding, DateTimeOffset Time, IReadOnlyList<string> Sources)
{
    /// <summary>
    /// The value behind the finding with its unit, converted and as recorded, e.g. "38.4 °C (recorded 101.1 [degF])";
    /// null when the finding has no single value (e.g. a device). Added by the grading branch (additive).
    /// </summary>
    public string? Value { get; init; }
}

/// <summary>Data the grade needed and did not have (CRS-SPEC §9.7); each gap is named in the card.</summary>
/// <param name="Code">Kebab-case: no-temperature, no-blood-pressure, no-birth-date, no-weight, no-uln, rate-unknown, fio2-indeterminate, …</param>
/// <param name="Description">What is missing and what it does to the grade.</param>
public sealed record DataGap(string Code, string Description);

/// <summary>One system's grade.</summary>
/// <param name="Grade">What the data proves (0–4).</param>
/// <param name="UpperBound">The highest grade the missing or ambiguous data allows (≥ Grade).</param>
/// <param name="Why">Why this grade, criterion by criterion ("hypotension without vasopressor → 2").</param>
/// <param name="UpperBoundWhy">Why the upper bound is above the grade (empty when equal).</param>
public sealed record SystemGrade(int Grade, int UpperBound, IReadOnlyList<string> Why, IReadOnlyList<string> UpperBoundWhy);

/// <summary>The CAR-T course the assessment belongs to (CRS-SPEC §1, §9.1, §9.32).</summary>
/// <param name="Product">The product of the first administration of the most recent course.</param>
/// <param name="Start">T0: the start of that administration.</param>
/// <param name="Day">floor((asOf − T0) / 24 h).</param>
/// <param name="Administrations">Every administration of the course (split doses).</param>
public sealed record InfusionContext(CarTProduct Product, DateTimeOffset Start, int Day, IReadOnlyList<CarTInfusion> Administrations);

/// <summary>
/// The CRS assessment at <see cref="AsOf"/>: eligibility, CRS presence, the current grade in all three
/// systems over the evaluation window, the peak since infusion, and everything behind them.
/// </summary>
public sealed record CrsAssessment
{
    /// <summary>The moment assessed (the request time).</summary>
    public required DateTimeOffset AsOf { get; init; }
    /// <summary>The current course; null when there is no CAR-T infusion at or before asOf.</summary>
    public InfusionContext? Infusion { get; init; }
    /// <summary>True when the infusion is within the eligibility window (CRS-SPEC §1). Ineligible → no cards.</summary>
    public required bool Eligible { get; init; }
    /// <summary>The length of the evaluation window in hours (CRS-SPEC §1; the window is (AsOf − WindowHours, AsOf]).
    /// Added by the grading branch (additive).</summary>
    public int WindowHours { get; init; } = 24;
    /// <summary>The system the card leads with.</summary>
    public required GradingSystem PrimarySystem { get; init; }
    /// <summary>Fever measured in the window.</summary>
    public FeverStatus Fever { get; init; } = FeverStatus.Unknown;
    /// <summary>The highest temperature in the window, if any.</summary>
    public BodyTemperature? HighestTemperature { get; init; }
    /// <summary>True exactly when there is no fever in the window and the waiver holds (CRS-SPEC §9.10).</summary>
    public bool FeverWaived { get; init; }
    /// <summary>The drug whose masking period waives the fever requirement, when <see cref="FeverWaived"/>.</summary>
    public DrugAdministration? MaskingDrug { get; init; }
    /// <summary>Fever in the window, or the waiver (CRS-SPEC §9.10).</summary>
    public bool Present { get; init; }
    /// <summary>A reading below the age threshold in the window.</summary>
    public bool Hypotension { get; init; }
    /// <summary>Vasopressor administrations overlapping the window (inotropes excluded).</summary>
    public IReadOnlyList<DrugAdministration> Vasopressors { get; init; } = [];
    /// <summary>Current grade per system over the window; all three systems always present (when eligible).</summary>
    public IReadOnlyDictionary<GradingSystem, SystemGrade> Current { get; init; } = new Dictionary<GradingSystem, SystemGrade>();
    /// <summary>Peak grade per system since T0 (CRS-SPEC §1, §9.25).</summary>
    public IReadOnlyDictionary<GradingSystem, int> Peak { get; init; } = new Dictionary<GradingSystem, int>();
    /// <summary>The evidence behind every criterion.</summary>
    public IReadOnlyList<EvidenceItem> Evidence { get; init; } = [];
    /// <summary>Missing data and what it does to the grade.</summary>
    public IReadOnlyList<DataGap> Gaps { get; init; } = [];
    /// <summary>Notes for review (inotropes, tracheostomy tube alone, findings not meeting CRS criteria…).</summary>
    public IReadOnlyList<string> ReviewNotes { get; init; } = [];

    /// <summary>The primary system's current grade.</summary>
    public SystemGrade? PrimaryGrade => Current.TryGetValue(PrimarySystem, out var g) ? g : null;
}
