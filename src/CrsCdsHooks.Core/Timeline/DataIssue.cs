namespace CrsCdsHooks.Core.Timeline;

/// <summary>
/// A resource (or part of one, or a whole prefetch key) that was not used, and why — or, for
/// <see cref="DataIssueReasons.BirthDateMissing"/>, a resource used with a default the spec asks to report. Issues
/// never change a grade or an upper bound (CRS-SPEC §9.6); they are listed in the card and in <c>dataIssues</c>.
/// </summary>
/// <param name="Resource">"Observation/t9"; a prefetch key as "prefetch/vitalSigns"; "Bundle/entry[3]" when no id.</param>
/// <param name="Reason">A kebab-case code from <see cref="DataIssueReasons"/>.</param>
/// <param name="Detail">A short human sentence (no PHI beyond the resource id), e.g. "unit 'furlong' is not a temperature unit".</param>
public sealed record DataIssue(string Resource, string Reason, string? Detail = null)
{
    /// <summary>
    /// Set when the resource not used is a MedicationAdministration or Procedure that records a CAR-T infusion and the
    /// reason leaves open whether the product was given: the patient may be in a CAR-T course the service cannot see
    /// (see <see cref="UnusableCarTRecord"/>). Null for every other issue.
    /// </summary>
    public UnusableCarTRecord? CarTRecord { get; init; }
}

/// <summary>
/// A CAR-T infusion record that could not be used, so that an ineligible-looking patient is not silently shown no card
/// (CRS-SPEC §1, §2: every ignored resource is reported; <c>UnreadableInfusionCardBuilder</c>).
/// </summary>
/// <remarks>
/// <para>[operational] Set by the readers when a MedicationAdministration names a CAR-T product (CRS-SPEC §8.1: generic,
/// brand or short name, NDC; §8.1 lists no RxNorm code, so none is matched), or a Procedure says infusion/administration
/// and names a product, "CAR-T", "CAR T" or "chimeric antigen receptor" (§9.33), and it is not used because it is not
/// valid FHIR (<see cref="DataIssueReasons.NotValidFhir"/>: the mention is found in the raw JSON), has no usable time
/// (<see cref="DataIssueReasons.NoUsableTime"/>), or has a status the reader cannot interpret as given or not given
/// (<see cref="DataIssueReasons.StatusNotUsable"/> with <c>unknown</c>, no status or a code outside the value set; for a
/// Procedure also <c>stopped</c>: the cells ran, as a stopped MedicationAdministration counts, §9.1, but §2 accepts only
/// completed and in-progress Procedures).</para>
/// <para>Not set — the patient is legitimately ineligible on that record — for <c>entered-in-error</c> (it never
/// happened), <c>not-done</c> and <c>on-hold</c> (deliberately not given), a Procedure in <c>preparation</c> (not given
/// yet), another patient's record, or a readable, accepted record timed after the request (time-after-request: not
/// infused yet). Where the request time and the eligibility window are known, a flagged record whose
/// <see cref="RecordedStart"/> lies after the request (beyond the clock-skew allowance) or before the window is not
/// counted either: had it been readable, the patient would still not be eligible on it.</para>
/// </remarks>
/// <param name="ResourceType">"MedicationAdministration" or "Procedure".</param>
/// <param name="RecordedStart">The start it records, when one can be read (a date alone: the start of that day, UTC, as
/// the reader takes it for a CAR-T infusion); null when unknown.</param>
public sealed record UnusableCarTRecord(string ResourceType, DateTimeOffset? RecordedStart);

/// <summary>The documented reason codes of <see cref="DataIssue.Reason"/>.</summary>
public static class DataIssueReasons
{
    /// <summary>Status is not one CRS-SPEC §2 accepts (e.g. entered-in-error, registered, not-done).</summary>
    public const string StatusNotUsable = "status-not-usable";
    /// <summary>No effective/performed/onset time could be read.</summary>
    public const string NoUsableTime = "no-usable-time";
    /// <summary>Timed more than 5 minutes after asOf (CRS-SPEC §9.2).</summary>
    public const string TimeAfterRequest = "time-after-request";
    /// <summary>Subject/patient names another patient than context.patientId (CRS-SPEC §2).</summary>
    public const string OtherPatient = "other-patient";
    /// <summary>Unit cannot be converted to the unit the criterion needs.</summary>
    public const string UnitNotConvertible = "unit-not-convertible";
    /// <summary>Value outside the plausibility range of CRS-SPEC §2.</summary>
    public const string ImplausibleValue = "implausible-value";
    /// <summary>A recognised resource without a usable value.</summary>
    public const string NoValue = "no-value";
    /// <summary>The JSON could not be read as a FHIR R4 resource.</summary>
    public const string NotValidFhir = "not-valid-fhir";
    /// <summary>A resource type the service does not read in this place.</summary>
    public const string UnexpectedResourceType = "unexpected-resource-type";
    /// <summary>Codes and text outside every CRS-SPEC §8 code set: not relevant to CRS decisions.</summary>
    public const string CodeNotRecognised = "code-not-recognised";
    /// <summary>A Condition/AllergyIntolerance that is not active, or refuted (CRS-SPEC §9.3).</summary>
    public const string NotActive = "not-active";
    /// <summary>The same resource arrived twice (prefetch and FHIR server, or two pages); the later copy is ignored.</summary>
    public const string Duplicate = "duplicate";
    /// <summary>The EHR's own prefetch failed (OperationOutcome) and the data could not be re-fetched.</summary>
    public const string PrefetchFailed = "prefetch-failed";
    /// <summary>Paging stopped at the configured cap, or a later page failed (CRS-SPEC §9.37).</summary>
    public const string Truncated = "data-truncated";
    /// <summary>The data for a prefetch key could not be obtained at all.</summary>
    public const string Unavailable = "data-unavailable";
    /// <summary>A drug rate that cannot be read as µg/min or µg/kg/min (the administration still counts).</summary>
    public const string RateNotConvertible = "rate-not-convertible";
    /// <summary>A Medication that no accepted MedicationAdministration refers to (nothing to attach it to).</summary>
    public const string NotReferenced = "not-referenced";
    /// <summary>An AllergyIntolerance whose categories are all food/environment (not a drug or biologic).</summary>
    public const string NotDrugAllergy = "not-drug-allergy";
    /// <summary>An Observation that records a finding as absent ("wheezing: absent", valueBoolean false).</summary>
    public const string FindingAbsent = "finding-absent";
    /// <summary>
    /// The Patient has no birthDate: it is still used, with the adult hypotension thresholds (CRS-SPEC §3 "No birth
    /// date → adult thresholds, reported as a data issue").
    /// </summary>
    public const string BirthDateMissing = "birth-date-missing";
}
