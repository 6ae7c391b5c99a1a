namespace CrsCdsHooks.Api.CdsHooks;

/// <summary>The discovery document: <c>{"services": [...]}</c>.</summary>
/// <param name="Services">Every service this host offers.</param>
public sealed record CdsDiscoveryResponse(IReadOnlyList<CdsServiceDescriptor> Services);

/// <summary>One CDS service as announced by discovery.</summary>
/// <param name="Hook">The hook it answers.</param>
/// <param name="Id">Its id: the last path segment of <c>/cds-services/{id}</c>.</param>
/// <param name="Title">Human-friendly name.</param>
/// <param name="Description">What it does.</param>
/// <param name="Prefetch">Prefetch templates by key.</param>
/// <param name="UsageRequirements">What an EHR must do to use it.</param>
/// <param name="Version">The service's version (CDS Hooks 3.0 ballot; ignored by 2.0 clients).</param>
/// <param name="HookVersion">The version of the hook definition it implements (CDS Hooks 3.0 ballot).</param>
public sealed record CdsServiceDescriptor(
    string Hook,
    string Id,
    string Title,
    string Description,
    IReadOnlyDictionary<string, string> Prefetch,
    string UsageRequirements,
    string Version,
    string HookVersion);

/// <summary>One prefetch key: its template, whether grading is impossible without it, and how the host narrows a query.</summary>
/// <param name="Key">The key, as in the discovery document.</param>
/// <param name="Template">The FHIR query template (R4 syntax).</param>
/// <param name="Critical">Patient, vital signs and medication administrations: without them → 412 (CRS-SPEC §9.26).</param>
/// <param name="DateParameter">The search parameter the host adds a lower time bound with, when it queries itself.</param>
internal sealed record PrefetchKey(string Key, string Template, bool Critical, string? DateParameter);

/// <summary>The services of this host and their prefetch keys (COMMON.md table; CDS-HOOKS.md).</summary>
internal static class CdsServiceCatalog
{
    public const string PatientViewServiceId = "crs-patient-view";
    public const string PatientViewHook = "patient-view";
    public const string PatientIdToken = "{{context.patientId}}";

    public static IReadOnlyList<PrefetchKey> PatientViewPrefetch { get; } =
    [
        new("patient", "Patient/{{context.patientId}}", Critical: true, DateParameter: null),
        new("vitalSigns", "Observation?patient={{context.patientId}}&category=vital-signs&_sort=-date&_count=500", Critical: true, DateParameter: "date"),
        new("laboratory", "Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=500", Critical: false, DateParameter: "date"),
        new("medicationAdministrations", "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication&_sort=-effective-time&_count=500", Critical: true, DateParameter: "effective-time"),
        new("procedures", "Procedure?patient={{context.patientId}}&_sort=-date&_count=200", Critical: false, DateParameter: "date"),
        // Active only (CDS-HOOKS.md), as CRS-SPEC §9.3 reads them; no date bound: a years-old allergy or diagnosis still counts.
        new("conditions", "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse&_sort=-recorded-date&_count=200", Critical: false, DateParameter: null),
        new("allergies", "AllergyIntolerance?patient={{context.patientId}}&clinical-status=active&_sort=-date&_count=100", Critical: false, DateParameter: null),
    ];

    public static CdsServiceDescriptor PatientView { get; } = new(
        Hook: PatientViewHook,
        Id: PatientViewServiceId,
        Title: "CAR-T cytokine release syndrome grading",
        Description:
            "Grades cytokine release syndrome (CRS) after CAR-T cell infusion by ASTCT 2019 (primary; Lee 2014 and "
            + "CTCAE v5.0 beside it) from the last 24 hours of vital signs, oxygen support and vasopressors, screens for "
            + "infection/sepsis and anaphylaxis, and suggests management. Returns no card outside the 30 days after infusion.",
        Prefetch: PatientViewPrefetch.ToDictionary(k => k.Key, k => k.Template, StringComparer.Ordinal),
        UsageRequirements:
            "Send context.patientId and context.userId. Prefetch the patient, vital signs and medication administrations "
            + "(or give fhirServer with fhirAuthorization so the service can query them): without them the service answers "
            + "412. The token needs read access to Patient, Observation, MedicationAdministration, Medication, Procedure, "
            + "Condition and AllergyIntolerance for the patient. Optional request extension "
            + "\"crsCdsHooks.primarySystem\": \"astct2019\" | \"lee2014\" | \"ctcae5\" overrides the primary grading system.",
        Version: "1.0.0",
        HookVersion: "1.0");

    public static IReadOnlyList<CdsServiceDescriptor> All { get; } = [PatientView];

    public static CdsServiceDescriptor? Find(string id) =>
        All.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.Ordinal));
}
