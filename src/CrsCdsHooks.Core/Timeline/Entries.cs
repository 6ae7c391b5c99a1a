namespace CrsCdsHooks.Core.Timeline;

// The clinical timeline: what the FHIR reader understood, in clinical units, each entry carrying the
// resource it came from ("Observation/t1") and the value as recorded. Firely types stop at the reader.
// Converted values are already rounded as CRS-SPEC §9.5 says (temperature 0.1 °C, pressure 1 mmHg,
// flow 0.1 L/min, FiO2 1 %, weight 0.1 kg); labs keep full precision and are rounded at comparison.

/// <summary>A body temperature reading.</summary>
/// <param name="Source">The resource it came from, "Observation/id".</param>
/// <param name="Time">When it was measured.</param>
/// <param name="Celsius">Converted to °C, rounded to 0.1 °C.</param>
/// <param name="Recorded">The value and unit as recorded (e.g. 100.4 [degF]).</param>
public sealed record BodyTemperature(string Source, DateTimeOffset Time, decimal Celsius, RecordedValue Recorded);

/// <summary>One blood pressure reading (a panel or a single component); any part may be absent.</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Time">When it was measured.</param>
/// <param name="SystolicMmHg">Systolic pressure, mmHg, rounded to 1.</param>
/// <param name="DiastolicMmHg">Diastolic pressure, mmHg, rounded to 1 (shown only).</param>
/// <param name="MeanMmHg">Recorded mean arterial pressure, mmHg (never derived for grading).</param>
public sealed record ArterialPressure(string Source, DateTimeOffset Time, int? SystolicMmHg, int? DiastolicMmHg, int? MeanMmHg);

/// <summary>A pulse-oximetry reading. Evidence only: SpO2 never grades (CRS-SPEC §3).</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Time">When it was measured.</param>
/// <param name="Percent">SpO2 in %.</param>
public sealed record OxygenSaturation(string Source, DateTimeOffset Time, decimal Percent);

/// <summary>Another vital sign shown as context (heart rate, respiratory rate); never graded.</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Time">When it was measured.</param>
/// <param name="Kind">Which sign.</param>
/// <param name="Value">The value in the sign's usual unit (/min).</param>
public sealed record OtherVitalSign(string Source, DateTimeOffset Time, VitalSignKind Kind, decimal Value);

/// <summary>Vital signs kept for context only.</summary>
public enum VitalSignKind
{
    /// <summary>LOINC 8867-4, /min.</summary>
    HeartRate,
    /// <summary>LOINC 9279-1, /min.</summary>
    RespiratoryRate,
}

/// <summary>A body weight.</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Time">When it was measured.</param>
/// <param name="Kilograms">Converted to kg, rounded to 0.1 kg.</param>
/// <param name="Recorded">As recorded (e.g. 150 [lb_av]).</param>
public sealed record BodyWeight(string Source, DateTimeOffset Time, decimal Kilograms, RecordedValue Recorded);

/// <summary>
/// One oxygen-support event: device, flow and FiO2 recorded within 10 minutes of each other, whichever
/// resources carried them, merged into one event (CRS-SPEC §9.9). Any part may be unknown.
/// </summary>
/// <param name="Sources">Every resource that contributed.</param>
/// <param name="When">A point for an Observation at a time; the whole period for a period (CRS-SPEC §9.34).</param>
/// <param name="Device">The device or support, if recorded (coded or recognised from text).</param>
/// <param name="FlowLitresPerMinute">O2 flow, L/min, rounded to 0.1.</param>
/// <param name="FiO2Percent">FiO2 in %, rounded to 1 (a fraction is read as × 100).</param>
/// <param name="DeviceText">The device text or display as recorded, for the card.</param>
public sealed record OxygenSupport(
    IReadOnlyList<string> Sources,
    TimeInterval When,
    OxygenDevice? Device,
    decimal? FlowLitresPerMinute,
    int? FiO2Percent,
    string? DeviceText);

/// <summary>Oxygen devices and modes of support (CRS-SPEC §8.3).</summary>
public enum OxygenDevice
{
    /// <summary>Room air (SNOMED 15158005): no supplemental oxygen.</summary>
    RoomAir,
    /// <summary>Low-flow nasal cannula (336623009, 371907003): tier by flow.</summary>
    NasalCannula,
    /// <summary>Blow-by (425478008).</summary>
    BlowBy,
    /// <summary>High-flow nasal cannula (426854004).</summary>
    HighFlowNasalCannula,
    /// <summary>Simple face mask (336602003).</summary>
    SimpleMask,
    /// <summary>Partial rebreather (425926003, 464233000).</summary>
    PartialRebreatherMask,
    /// <summary>Non-rebreather (427591007).</summary>
    NonRebreatherMask,
    /// <summary>Rebreathing mask (463587004).</summary>
    RebreathingMask,
    /// <summary>Venturi mask (465433006, 428285009).</summary>
    VenturiMask,
    /// <summary>Aerosol mask (426851007).</summary>
    AerosolMask,
    /// <summary>Face tent (426294006).</summary>
    FaceTent,
    /// <summary>Tracheostomy mask (465839001).</summary>
    TracheostomyMask,
    /// <summary>A face mask of unspecified type (text "mask" only).</summary>
    UnspecifiedMask,
    /// <summary>CPAP (47545007, 704718009).</summary>
    Cpap,
    /// <summary>BiPAP / BPAP (243142003).</summary>
    Bipap,
    /// <summary>Non-invasive ventilation / positive pressure therapy (428311008, 447837008, 229306004).</summary>
    NonInvasiveVentilation,
    /// <summary>Mechanical or assisted ventilation, intubation (40617009, 243141005, 26412008).</summary>
    MechanicalVentilation,
    /// <summary>A tracheostomy tube alone: says nothing about oxygen (grade 0, upper bound 4, review note; CRS-SPEC §9.9).</summary>
    TracheostomyTube,
}

/// <summary>How a drug administration ran (CRS-SPEC §2 accepted statuses).</summary>
public enum AdministrationStatus
{
    /// <summary>completed</summary>
    Completed,
    /// <summary>in-progress</summary>
    InProgress,
    /// <summary>stopped (counts for the time it ran)</summary>
    Stopped,
}

/// <summary>The drugs CRS-SPEC §8.2 names.</summary>
public enum Drug
{
    /// <summary>RxNorm 612865 (Actemra).</summary>
    Tocilizumab,
    /// <summary>Sylvant.</summary>
    Siltuximab,
    /// <summary>RxNorm 72435 (Kineret).</summary>
    Anakinra,
    /// <summary>RxNorm 3264.</summary>
    Dexamethasone,
    /// <summary>RxNorm 6902 (Solu-Medrol).</summary>
    Methylprednisolone,
    /// <summary>RxNorm 5492.</summary>
    Hydrocortisone,
    /// <summary>RxNorm 8640.</summary>
    Prednisone,
    /// <summary>RxNorm 8638.</summary>
    Prednisolone,
    /// <summary>RxNorm 161 (paracetamol, Tylenol).</summary>
    Acetaminophen,
    /// <summary>RxNorm 5640.</summary>
    Ibuprofen,
    /// <summary>Ketorolac.</summary>
    Ketorolac,
    /// <summary>Naproxen.</summary>
    Naproxen,
    /// <summary>RxNorm 7512 (noradrenaline, Levophed).</summary>
    Norepinephrine,
    /// <summary>RxNorm 3992 (adrenaline).</summary>
    Epinephrine,
    /// <summary>RxNorm 8163.</summary>
    Phenylephrine,
    /// <summary>RxNorm 3628.</summary>
    Dopamine,
    /// <summary>RxNorm 11149.</summary>
    Vasopressin,
    /// <summary>RxNorm 3616: inotrope, named for review, never counted as a vasopressor.</summary>
    Dobutamine,
    /// <summary>RxNorm 52769: inotrope, named for review, never counted as a vasopressor.</summary>
    Milrinone,
}

/// <summary>A drug infusion rate, normalised to µg/min or µg/kg/min.</summary>
/// <param name="Value">The rate.</param>
/// <param name="PerKilogram">True for µg/kg/min, false for µg/min.</param>
/// <param name="Recorded">As recorded (e.g. "0.1 ug/kg/min", "8 mg/h").</param>
public sealed record InfusionRate(decimal Value, bool PerKilogram, string Recorded);

/// <summary>
/// A MedicationAdministration that was accepted (status completed, in-progress or stopped).
/// <see cref="Drug"/> is set when it matched CRS-SPEC §8.2 by RxNorm code or whole-word name; other
/// drugs are kept too (monoclonal antibodies and allergy matches matter to the anaphylaxis screen).
/// </summary>
/// <param name="Source">"MedicationAdministration/id".</param>
/// <param name="Drug">The recognised drug, or null.</param>
/// <param name="Name">The best display name (ingredient or text) for the card.</param>
/// <param name="Names">Every name and text seen (codings' display, text, the Medication's), for allergy matching.</param>
/// <param name="RxNormCodes">Every RxNorm code seen.</param>
/// <param name="When">effectivePeriod (start–end, end null when absent) or a point for effectiveDateTime.</param>
/// <param name="Status">How it ran.</param>
/// <param name="Rate">The infusion rate, when recorded and convertible.</param>
/// <param name="Dose">The dose as recorded (dosage.dose), when present.</param>
public sealed record DrugAdministration(
    string Source,
    Drug? Drug,
    string Name,
    IReadOnlyList<string> Names,
    IReadOnlyList<string> RxNormCodes,
    TimeInterval When,
    AdministrationStatus Status,
    InfusionRate? Rate,
    RecordedValue? Dose)
{
    /// <summary>Any ingredient name ends in "mab" (a monoclonal antibody: an anaphylaxis exposure, CRS-SPEC §9.21).</summary>
    public bool IsMonoclonalAntibody { get; init; }

    /// <summary>
    /// "IM" or "SC" when dosage.route (SNOMED 78421000 intramuscular, 34206005 subcutaneous, or its text) or
    /// dosage.text says the drug was injected intramuscularly or subcutaneously; null otherwise.
    /// </summary>
    public string? InjectionRoute { get; init; }
}

/// <summary>CAR-T products of CRS-SPEC §8.1.</summary>
public enum CarTProduct
{
    /// <summary>Yescarta (axi-cel); median CRS onset day 2.</summary>
    AxicabtageneCiloleucel,
    /// <summary>Kymriah (tisa-cel); day 3.</summary>
    Tisagenlecleucel,
    /// <summary>Breyanzi (liso-cel); day ~4.</summary>
    LisocabtageneMaraleucel,
    /// <summary>Tecartus (brexu-cel); day 3.</summary>
    BrexucabtageneAutoleucel,
    /// <summary>Abecma (ide-cel); day 1.</summary>
    IdecabtageneVicleucel,
    /// <summary>Carvykti (cilta-cel); day 7.</summary>
    CiltacabtageneAutoleucel,
    /// <summary>Aucatzyl (obe-cel); day 8.</summary>
    ObecabtageneAutoleucel,
    /// <summary>A CAR-T infusion whose product is not named ("CAR-T cell infusion").</summary>
    Unspecified,
}

/// <summary>A CAR-T product administration (MedicationAdministration or Procedure, CRS-SPEC §1, §9.1, §9.33).</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Product">Which product.</param>
/// <param name="Start">When the infusion started.</param>
/// <param name="Status">How it ran (a Procedure in-progress reads as InProgress, completed as Completed).</param>
public sealed record CarTInfusion(string Source, CarTProduct Product, DateTimeOffset Start, AdministrationStatus Status);

/// <summary>Laboratory analytes CRS-SPEC §8.4 names, each with its canonical unit.</summary>
public enum LabAnalyte
{
    /// <summary>IL-6 26881-3, pg/mL.</summary>
    Interleukin6,
    /// <summary>CRP 1988-5 / 30522-7, mg/L.</summary>
    CReactiveProtein,
    /// <summary>Ferritin 2276-4, ng/mL.</summary>
    Ferritin,
    /// <summary>Procalcitonin 33959-8, ng/mL.</summary>
    Procalcitonin,
    /// <summary>Lactate 2524-7 / 32693-4, mmol/L.</summary>
    Lactate,
    /// <summary>LDH 14804-9 / 2532-0, U/L.</summary>
    LactateDehydrogenase,
    /// <summary>AST 1920-8, U/L.</summary>
    AspartateAminotransferase,
    /// <summary>ALT 1742-6, U/L.</summary>
    AlanineAminotransferase,
    /// <summary>Total bilirubin 1975-2, mg/dL.</summary>
    Bilirubin,
    /// <summary>Creatinine 2160-0, mg/dL.</summary>
    Creatinine,
    /// <summary>Platelets 777-3, 10*9/L.</summary>
    Platelets,
    /// <summary>ANC 751-8 / 26499-4 / 753-4, 10*9/L.</summary>
    AbsoluteNeutrophilCount,
    /// <summary>WBC 6690-2, 10*9/L.</summary>
    WhiteBloodCells,
    /// <summary>Fibrinogen 3255-7, mg/dL.</summary>
    Fibrinogen,
    /// <summary>Tryptase 21582-2, ng/mL.</summary>
    Tryptase,
    /// <summary>IFN-γ 27415-9, pg/mL.</summary>
    InterferonGamma,
    /// <summary>IL-10 26848-2, pg/mL.</summary>
    Interleukin10,
}

/// <summary>A quantitative lab result in the analyte's canonical unit (see <see cref="LabAnalyte"/>).</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Analyte">Which analyte.</param>
/// <param name="Time">Collection/effective time.</param>
/// <param name="Value">In the canonical unit, unrounded (rounded at comparison, CRS-SPEC §9.5).</param>
/// <param name="Unit">The canonical unit (UCUM).</param>
/// <param name="UpperLimitOfNormal">referenceRange.high converted to the canonical unit, if given.</param>
/// <param name="Recorded">As recorded.</param>
public sealed record LabResult(
    string Source,
    LabAnalyte Analyte,
    DateTimeOffset Time,
    decimal Value,
    string Unit,
    decimal? UpperLimitOfNormal,
    RecordedValue Recorded);

/// <summary>What a blood culture shows (CRS-SPEC §9.20, §9.35, §9.39).</summary>
public enum CultureResult
{
    /// <summary>Interpretation POS/A/AA, a coded organism, or a value string naming one.</summary>
    Positive,
    /// <summary>"no growth", "negative", or a no-growth concept.</summary>
    Negative,
    /// <summary>Not final, "pending", "no growth to date": not positive.</summary>
    Pending,
}

/// <summary>A blood culture (LOINC 600-7).</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Collected">When it was collected (effective time).</param>
/// <param name="Result">What it shows.</param>
/// <param name="Organism">The organism named, if any.</param>
public sealed record BloodCulture(string Source, DateTimeOffset Collected, CultureResult Result, string? Organism);

/// <summary>Clinical findings from Condition or Observation codes/text (CRS-SPEC §5, §9.22).</summary>
public enum FindingKind
{
    /// <summary>Sepsis 91302008.</summary>
    Sepsis,
    /// <summary>Septic shock 76571007.</summary>
    SepticShock,
    /// <summary>Bacterial sepsis 10001005.</summary>
    BacterialSepsis,
    /// <summary>Bacteremia 5758002.</summary>
    Bacteremia,
    /// <summary>Urticaria 126485001, "hives".</summary>
    Urticaria,
    /// <summary>Weal 247472004.</summary>
    Weal,
    /// <summary>Angioedema 41291007.</summary>
    Angioedema,
    /// <summary>Flushing (text).</summary>
    Flushing,
    /// <summary>Bronchospasm 4386001.</summary>
    Bronchospasm,
    /// <summary>Wheezing 56018004.</summary>
    Wheezing,
    /// <summary>Stridor 70407001.</summary>
    Stridor,
}

/// <summary>A finding recorded as a Condition or an Observation.</summary>
/// <param name="Source">The resource it came from.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Time">Onset (Condition onset[x], else recordedDate) or effective time.</param>
public sealed record ClinicalFinding(string Source, FindingKind Kind, DateTimeOffset Time);

/// <summary>An active AllergyIntolerance to a substance (CRS-SPEC §9.3, §9.21). Its reactions are history, never signs.</summary>
/// <param name="Source">"AllergyIntolerance/id".</param>
/// <param name="Substance">The best display name of the substance.</param>
/// <param name="Names">Every name and text of the substance, for whole-word matching.</param>
/// <param name="RxNormCodes">Every RxNorm code of the substance.</param>
public sealed record DrugAllergy(string Source, string Substance, IReadOnlyList<string> Names, IReadOnlyList<string> RxNormCodes);

/// <summary>What is known of the patient.</summary>
/// <param name="Source">"Patient/id", or null when the Patient resource was not available.</param>
/// <param name="EarliestBirthDate">The earliest day the (possibly partial) birth date allows (CRS-SPEC §9.4), or null.</param>
public sealed record PatientFacts(string? Source, DateOnly? EarliestBirthDate)
{
    /// <summary>No Patient resource and no birth date.</summary>
    public static PatientFacts Unknown { get; } = new(null, null);

    /// <summary>Age in whole years at <paramref name="asOf"/>, or null when no birth date.</summary>
    public int? AgeInYears(DateTimeOffset asOf)
    {
        if (EarliestBirthDate is not { } born) return null;
        var today = DateOnly.FromDateTime(asOf.UtcDateTime);
        var age = today.Year - born.Year;
        if (today < born.AddYears(age)) age--;
        return Math.Max(age, 0);
    }
}
