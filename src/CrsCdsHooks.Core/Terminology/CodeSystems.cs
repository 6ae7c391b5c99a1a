namespace CrsCdsHooks.Core.Terminology;

/// <summary>The code-system URIs the reader recognises (FHIR R4 terminology page, "External code systems").</summary>
public static class CodeSystems
{
    /// <summary>LOINC.</summary>
    public const string Loinc = "http://loinc.org";
    /// <summary>SNOMED CT.</summary>
    public const string Snomed = "http://snomed.info/sct";
    /// <summary>RxNorm (NLM).</summary>
    public const string RxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm";
    /// <summary>US National Drug Code.</summary>
    public const string Ndc = "http://hl7.org/fhir/sid/ndc";
    /// <summary>UCUM units.</summary>
    public const string Ucum = "http://unitsofmeasure.org";
    /// <summary>HL7 v3 ObservationInterpretation (POS, NEG, A, AA, N…).</summary>
    public const string ObservationInterpretation = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
    /// <summary>HL7 observation-category (vital-signs, laboratory…).</summary>
    public const string ObservationCategory = "http://terminology.hl7.org/CodeSystem/observation-category";
    /// <summary>ICD-10-CM.</summary>
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
}
