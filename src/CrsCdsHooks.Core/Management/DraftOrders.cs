using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Management;

/// <summary>Code systems and codes of the draft orders (CRS-SPEC §6, §8.2, §8.4, §8.5).</summary>
internal static class OrderCodes
{
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    public const string Loinc = "http://loinc.org";
    public const string Snomed = "http://snomed.info/sct";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Ucum = "http://unitsofmeasure.org";
    public const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    public const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    public const string ConditionCategory = "http://terminology.hl7.org/CodeSystem/condition-category";

    public const string TocilizumabRxNorm = "612865";
    public const string DexamethasoneRxNorm = "3264";
    public const string MethylprednisoloneRxNorm = "6902";
    public const string EpinephrineRxNorm = "3992";

    public const string CrpLoinc = "1988-5";
    public const string FerritinLoinc = "2276-4";
    public const string BloodCultureLoinc = "600-7";
    public const string TryptaseLoinc = "21582-2";

    /// <summary>SNOMED CT 40701008 |Echocardiography (procedure)|: an order for an echo is a procedure, not a LOINC observation.</summary>
    public const string EchocardiographySnomed = "40701008";
    /// <summary>SNOMED CT 108252007 |Laboratory procedure|, the category of the lab orders.</summary>
    public const string LaboratoryProcedureSnomed = "108252007";
    /// <summary>SNOMED CT 47625008 |Intravenous route|.</summary>
    public const string IntravenousRouteSnomed = "47625008";
    /// <summary>SNOMED CT 78421000 |Intramuscular route|.</summary>
    public const string IntramuscularRouteSnomed = "78421000";
}

/// <summary>
/// Builds the draft FHIR R4 resources of the suggestions (status draft, intent proposal, coded, with a dosage
/// text a pharmacist can verify) and wraps each one in a CDS Hooks <c>create</c> suggestion with its own uuid.
/// </summary>
internal static class DraftOrders
{
    private static readonly JsonSerializerOptions FhirJson = new JsonSerializerOptions().ForFhir(ModelInfo.ModelInspector);

    /// <summary>A draft MedicationRequest.</summary>
    public static MedicationRequest Medication(
        string patientId,
        DateTimeOffset asOf,
        string rxNorm,
        string ingredient,
        decimal doseMg,
        string routeSnomed,
        string routeDisplay,
        string dosageText,
        Timing? timing,
        RequestPriority priority,
        CodeableConcept? reason,
        string? note)
    {
        var request = new MedicationRequest
        {
            Status = MedicationRequest.MedicationrequestStatus.Draft,
            Intent = MedicationRequest.MedicationRequestIntent.Proposal,
            Priority = priority,
            Medication = new CodeableConcept(OrderCodes.RxNorm, rxNorm, ingredient, ingredient),
            Subject = new ResourceReference($"Patient/{patientId}"),
            AuthoredOnElement = Instant(asOf),
            DosageInstruction =
            [
                new Dosage
                {
                    Text = dosageText,
                    Timing = timing,
                    Route = new CodeableConcept(OrderCodes.Snomed, routeSnomed, routeDisplay, routeDisplay),
                    DoseAndRate =
                    [
                        new Dosage.DoseAndRateComponent
                        {
                            Dose = new Quantity { Value = doseMg, Unit = "mg", System = OrderCodes.Ucum, Code = "mg" },
                        },
                    ],
                },
            ],
        };
        if (reason is not null) request.ReasonCode = [reason];
        if (note is not null) request.Note = [new Annotation { Text = new Markdown(note) }];
        return request;
    }

    /// <summary>A draft ServiceRequest.</summary>
    public static ServiceRequest Service(
        string patientId,
        DateTimeOffset asOf,
        string system,
        string code,
        string display,
        string text,
        bool laboratory,
        RequestPriority priority,
        Timing? occurrence,
        string? note)
    {
        var request = new ServiceRequest
        {
            Status = RequestStatus.Draft,
            Intent = RequestIntent.Proposal,
            Priority = priority,
            Code = new CodeableConcept(system, code, display, text),
            Subject = new ResourceReference($"Patient/{patientId}"),
            AuthoredOnElement = Instant(asOf),
        };
        if (laboratory) request.Category = [new CodeableConcept(OrderCodes.Snomed, OrderCodes.LaboratoryProcedureSnomed, "Laboratory procedure", "Laboratory procedure")];
        if (occurrence is not null) request.Occurrence = occurrence;
        if (note is not null) request.Note = [new Annotation { Text = new Markdown(note) }];
        return request;
    }

    /// <summary>Once every <paramref name="period"/> <paramref name="unit"/> (e.g. q6h), optionally for a number of days.</summary>
    public static Timing Every(decimal period, Timing.UnitsOfTime unit, decimal? forDays = null)
    {
        var repeat = new Timing.RepeatComponent { Frequency = 1, Period = period, PeriodUnit = unit };
        if (forDays is { } days) repeat.Bounds = new Duration { Value = days, Unit = "d", System = OrderCodes.Ucum, Code = "d" };
        return new Timing { Repeat = repeat };
    }

    /// <summary>A FHIR dateTime in UTC with a "Z" ("2025-06-15T12:00:00Z").</summary>
    public static FhirDateTime Instant(DateTimeOffset time) =>
        new(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Once.</summary>
    public static Timing Once() => new() { Repeat = new Timing.RepeatComponent { Count = 1 } };

    /// <summary>The resource as FHIR R4 JSON (Firely's System.Text.Json converters).</summary>
    public static JsonNode ToJson(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return JsonSerializer.SerializeToNode(resource, resource.GetType(), FhirJson)
            ?? throw new InvalidOperationException("Firely serialized the resource to null.");
    }

    /// <summary>A suggestion with one <c>create</c> action carrying the resource.</summary>
    public static CdsSuggestion Create(string label, string description, Resource resource, ICardIdSource ids) => new()
    {
        Label = label,
        Uuid = ids.NewId(),
        Actions = [new CdsAction { Type = "create", Description = description, Resource = ToJson(resource) }],
    };
}
