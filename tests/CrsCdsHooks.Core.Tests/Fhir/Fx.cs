using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

/// <summary>Small builders for synthetic FHIR resources (no real patient data) and the fixed request time.</summary>
internal static class Fx
{
    public const string PatientId = "p1";

    /// <summary>The fixed request time of these tests.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>One hour before <see cref="AsOf"/>.</summary>
    public static readonly DateTimeOffset T = AsOf.AddHours(-1);

    public static ClinicalTimeline Read(params Resource[] resources) => FhirTimelineReader.Read(PatientId, AsOf, resources);

    public static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssK", System.Globalization.CultureInfo.InvariantCulture).Replace("+00:00", "Z", StringComparison.Ordinal);

    public static ResourceReference Subject(string id = PatientId) => new($"Patient/{id}");

    public static CodeableConcept Loinc(string code, string? display = null) => new(CodeSystems.Loinc, code, display);

    public static CodeableConcept Sct(string code, string? display = null) => new(CodeSystems.Snomed, code, display);

    public static CodeableConcept Text(string text) => new() { Text = text };

    public static Quantity Q(decimal value, string? ucum) =>
        ucum is null ? new Quantity { Value = value } : new Quantity { Value = value, Unit = ucum, System = CodeSystems.Ucum, Code = ucum };

    public static Observation Obs(string id, CodeableConcept code, DataType? value, DateTimeOffset? at = null, string status = "final") => new()
    {
        Id = id,
        Status = Enum.Parse<ObservationStatus>(status.Replace("-", "", StringComparison.Ordinal), ignoreCase: true),
        Code = code,
        Subject = Subject(),
        Effective = new FhirDateTime(at ?? T),
        Value = value,
    };

    public static Observation Temp(string id, decimal value, string unit, DateTimeOffset? at = null) =>
        Obs(id, Loinc(CrsCdsHooks.Core.Terminology.Loinc.BodyTemperature, "Body temperature"), Q(value, unit), at);

    public static Observation.ComponentComponent Component(string loinc, DataType value) => new() { Code = Loinc(loinc), Value = value };

    public static MedicationAdministration Admin(string id, DataType medication, DateTimeOffset? at = null, string status = "completed") => new()
    {
        Id = id,
        StatusElement = new Code<MedicationAdministration.MedicationAdministrationStatusCodes> { JsonValue = status },
        Medication = medication,
        Subject = Subject(),
        Effective = new FhirDateTime(at ?? T),
    };

    public static CodeableConcept RxNorm(string code, string? display = null) => new(CodeSystems.RxNorm, code, display);

    public static Procedure Proc(string id, CodeableConcept code, DataType? performed = null, string status = "completed") => new()
    {
        Id = id,
        StatusElement = new Code<EventStatus> { JsonValue = status },
        Code = code,
        Subject = Subject(),
        Performed = performed ?? new FhirDateTime(T),
    };

    public static Condition Cond(string id, CodeableConcept code, string? clinical = "active", string? verification = "confirmed") => new()
    {
        Id = id,
        Code = code,
        Subject = Subject(),
        ClinicalStatus = clinical is null ? null : new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-clinical", clinical),
        VerificationStatus = verification is null ? null : new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", verification),
        Onset = new FhirDateTime(T),
    };

    public static DataIssue Single(ClinicalTimeline timeline)
    {
        Assert.Single(timeline.Issues);
        return timeline.Issues[0];
    }

    public static void HasIssue(ClinicalTimeline timeline, string resource, string reason) =>
        Assert.Contains(timeline.Issues, i => i.Resource == resource && i.Reason == reason);
}
