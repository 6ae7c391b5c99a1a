namespace CrsCdsHooks.Core.Terminology;

/// <summary>LOINC codes of CRS-SPEC §8.4 (source: LOINC, Regenstrief Institute, loinc.org).</summary>
public static class Loinc
{
    /// <summary>Body temperature.</summary>
    public const string BodyTemperature = "8310-5";
    /// <summary>Oral temperature.</summary>
    public const string OralTemperature = "8331-1";
    /// <summary>Rectal temperature.</summary>
    public const string RectalTemperature = "8332-9";
    /// <summary>Tympanic membrane temperature.</summary>
    public const string TympanicTemperature = "8333-7";
    /// <summary>Axillary temperature.</summary>
    public const string AxillaryTemperature = "8328-7";
    /// <summary>Body temperature - Core.</summary>
    public const string CoreTemperature = "8329-5";
    /// <summary>Body temperature - Intravascular.</summary>
    public const string IntravascularTemperature = "8330-3";
    /// <summary>Body temperature - Urinary bladder.</summary>
    public const string BladderTemperature = "8334-5";
    /// <summary>Esophageal temperature.</summary>
    public const string EsophagealTemperature = "60836-4";
    /// <summary>Nasal temperature.</summary>
    public const string NasalTemperature = "76010-8";
    /// <summary>Heart rate.</summary>
    public const string HeartRate = "8867-4";
    /// <summary>Respiratory rate.</summary>
    public const string RespiratoryRate = "9279-1";
    /// <summary>Blood pressure panel with all children optional.</summary>
    public const string BloodPressurePanel = "85354-9";
    /// <summary>Blood pressure systolic and diastolic (older panel code, read like 85354-9).</summary>
    public const string BloodPressureSystolicDiastolic = "55284-4";
    /// <summary>Systolic blood pressure.</summary>
    public const string SystolicPressure = "8480-6";
    /// <summary>Diastolic blood pressure.</summary>
    public const string DiastolicPressure = "8462-4";
    /// <summary>Mean blood pressure.</summary>
    public const string MeanPressure = "8478-0";
    /// <summary>Oxygen saturation in arterial blood by pulse oximetry.</summary>
    public const string PulseOximetry = "59408-5";
    /// <summary>Oxygen saturation in arterial blood.</summary>
    public const string OxygenSaturationArterial = "2708-6";
    /// <summary>Inhaled oxygen flow rate.</summary>
    public const string InhaledOxygenFlow = "3151-8";
    /// <summary>Inhaled oxygen concentration (FiO2).</summary>
    public const string InhaledOxygenConcentration = "3150-0";
    /// <summary>Body weight.</summary>
    public const string BodyWeight = "29463-7";
    /// <summary>Body weight Measured.</summary>
    public const string BodyWeightMeasured = "3141-9";
    /// <summary>Bacteria identified in Blood by Culture.</summary>
    public const string BloodCulture = "600-7";
    /// <summary>Interleukin 6.</summary>
    public const string Interleukin6 = "26881-3";
    /// <summary>C reactive protein.</summary>
    public const string CReactiveProtein = "1988-5";
    /// <summary>C reactive protein, high sensitivity.</summary>
    public const string CReactiveProteinHighSensitivity = "30522-7";
    /// <summary>Ferritin.</summary>
    public const string Ferritin = "2276-4";
    /// <summary>Procalcitonin.</summary>
    public const string Procalcitonin = "33959-8";
    /// <summary>Lactate in blood.</summary>
    public const string Lactate = "2524-7";
    /// <summary>Lactate in blood (venous/arterial variant of CRS-SPEC §8.4).</summary>
    public const string LactateBlood = "32693-4";
    /// <summary>Lactate dehydrogenase (LDH), lactate → pyruvate reaction.</summary>
    public const string LactateDehydrogenase = "14804-9";
    /// <summary>Lactate dehydrogenase (LDH).</summary>
    public const string LactateDehydrogenasePyruvate = "2532-0";
    /// <summary>Aspartate aminotransferase (AST).</summary>
    public const string AspartateAminotransferase = "1920-8";
    /// <summary>Alanine aminotransferase (ALT).</summary>
    public const string AlanineAminotransferase = "1742-6";
    /// <summary>Bilirubin, total.</summary>
    public const string Bilirubin = "1975-2";
    /// <summary>Creatinine.</summary>
    public const string Creatinine = "2160-0";
    /// <summary>Platelets.</summary>
    public const string Platelets = "777-3";
    /// <summary>Neutrophils (absolute count), automated.</summary>
    public const string AbsoluteNeutrophilCount = "751-8";
    /// <summary>Neutrophils (absolute count).</summary>
    public const string AbsoluteNeutrophilCountAlternative = "26499-4";
    /// <summary>Neutrophils (absolute count), manual.</summary>
    public const string AbsoluteNeutrophilCountManual = "753-4";
    /// <summary>Leukocytes (WBC).</summary>
    public const string WhiteBloodCells = "6690-2";
    /// <summary>Fibrinogen.</summary>
    public const string Fibrinogen = "3255-7";
    /// <summary>Tryptase.</summary>
    public const string Tryptase = "21582-2";
    /// <summary>Interferon gamma.</summary>
    public const string InterferonGamma = "27415-9";
    /// <summary>Interleukin 10.</summary>
    public const string Interleukin10 = "26848-2";

    /// <summary>Body-temperature codes read as a temperature (8310-5 and site-specific codes, CRS-SPEC §8.4).</summary>
    public static IReadOnlySet<string> BodyTemperatureCodes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        BodyTemperature, OralTemperature, RectalTemperature, TympanicTemperature, AxillaryTemperature,
        CoreTemperature, IntravascularTemperature, BladderTemperature, EsophagealTemperature, NasalTemperature,
    };
}
