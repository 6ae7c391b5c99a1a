namespace CrsCdsHooks.Core.Timeline;

/// <summary>
/// Everything the FHIR reader understood about one patient, in clinical units, plus every resource it
/// could not use (<see cref="Issues"/>). Immutable; lists are in time order (oldest first).
/// </summary>
public sealed record ClinicalTimeline
{
    /// <summary>The patient.</summary>
    public PatientFacts Patient { get; init; } = PatientFacts.Unknown;
    /// <summary>CAR-T product administrations (all courses).</summary>
    public IReadOnlyList<CarTInfusion> Infusions { get; init; } = [];
    /// <summary>Body temperatures.</summary>
    public IReadOnlyList<BodyTemperature> Temperatures { get; init; } = [];
    /// <summary>Blood pressures.</summary>
    public IReadOnlyList<ArterialPressure> Pressures { get; init; } = [];
    /// <summary>Oxygen-support events (merged per CRS-SPEC §9.9).</summary>
    public IReadOnlyList<OxygenSupport> Oxygen { get; init; } = [];
    /// <summary>SpO2 readings (evidence only).</summary>
    public IReadOnlyList<OxygenSaturation> Saturations { get; init; } = [];
    /// <summary>Heart and respiratory rates (context only).</summary>
    public IReadOnlyList<OtherVitalSign> OtherVitals { get; init; } = [];
    /// <summary>Body weights.</summary>
    public IReadOnlyList<BodyWeight> Weights { get; init; } = [];
    /// <summary>Accepted drug administrations (recognised or not).</summary>
    public IReadOnlyList<DrugAdministration> Drugs { get; init; } = [];
    /// <summary>Quantitative labs.</summary>
    public IReadOnlyList<LabResult> Labs { get; init; } = [];
    /// <summary>Blood cultures.</summary>
    public IReadOnlyList<BloodCulture> Cultures { get; init; } = [];
    /// <summary>Findings from Conditions and Observations (sepsis, urticaria, bronchospasm…).</summary>
    public IReadOnlyList<ClinicalFinding> Findings { get; init; } = [];
    /// <summary>Active drug allergies.</summary>
    public IReadOnlyList<DrugAllergy> Allergies { get; init; } = [];
    /// <summary>Every resource (or part) not used, and why.</summary>
    public IReadOnlyList<DataIssue> Issues { get; init; } = [];
    /// <summary>Notes for the clinician that are neither issues nor grades (e.g. "tracheostomy tube recorded: review oxygen support").</summary>
    public IReadOnlyList<string> ReviewNotes { get; init; } = [];
}
