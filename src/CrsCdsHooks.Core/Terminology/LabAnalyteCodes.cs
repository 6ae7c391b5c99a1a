using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// Laboratory analytes of CRS-SPEC §8.4: their LOINC codes, the canonical unit each <see cref="LabResult"/>
/// is expressed in, and the conversions UCUM alone cannot do.
/// </summary>
/// <remarks>
/// Multiplicative unit changes (mg/dL → mg/L, 10*3/uL → 10*9/L, ug/L → ng/mL, g/L → mg/dL, ukat/L → U/L)
/// go through UCUM (Fhir.Metrics). Mass ↔ substance changes need a molar mass and are listed here:
/// lactate mg/dL ÷ 9.01 = mmol/L (lactic acid C3H6O3, 90.08 g/mol: 1 mmol/L = 9.008 mg/dL; PubChem CID 612);
/// creatinine µmol/L ÷ 88.4 = mg/dL (113.12 g/mol; the factor used by KDIGO 2012 and IFCC reports);
/// total bilirubin µmol/L ÷ 17.1 = mg/dL (584.66 g/mol; the factor of the SI unit conversion tables, e.g.
/// AMA Manual of Style, SI conversion table). Enzyme activities reported as "IU/L" or "[IU]/L" are read
/// as U/L (the IFCC convention that one international unit of an enzyme is 1 µmol/min) [operational].
/// </remarks>
public static class LabAnalyteCodes
{
    private static readonly (string Loinc, LabAnalyte Analyte)[] Codes =
    [
        (Loinc.Interleukin6, LabAnalyte.Interleukin6),
        (Loinc.CReactiveProtein, LabAnalyte.CReactiveProtein),
        (Loinc.CReactiveProteinHighSensitivity, LabAnalyte.CReactiveProtein),
        (Loinc.Ferritin, LabAnalyte.Ferritin),
        (Loinc.Procalcitonin, LabAnalyte.Procalcitonin),
        (Loinc.Lactate, LabAnalyte.Lactate),
        (Loinc.LactateBlood, LabAnalyte.Lactate),
        (Loinc.LactateDehydrogenase, LabAnalyte.LactateDehydrogenase),
        (Loinc.LactateDehydrogenasePyruvate, LabAnalyte.LactateDehydrogenase),
        (Loinc.AspartateAminotransferase, LabAnalyte.AspartateAminotransferase),
        (Loinc.AlanineAminotransferase, LabAnalyte.AlanineAminotransferase),
        (Loinc.Bilirubin, LabAnalyte.Bilirubin),
        (Loinc.Creatinine, LabAnalyte.Creatinine),
        (Loinc.Platelets, LabAnalyte.Platelets),
        (Loinc.AbsoluteNeutrophilCount, LabAnalyte.AbsoluteNeutrophilCount),
        (Loinc.AbsoluteNeutrophilCountAlternative, LabAnalyte.AbsoluteNeutrophilCount),
        (Loinc.AbsoluteNeutrophilCountManual, LabAnalyte.AbsoluteNeutrophilCount),
        (Loinc.WhiteBloodCells, LabAnalyte.WhiteBloodCells),
        (Loinc.Fibrinogen, LabAnalyte.Fibrinogen),
        (Loinc.Tryptase, LabAnalyte.Tryptase),
        (Loinc.InterferonGamma, LabAnalyte.InterferonGamma),
        (Loinc.Interleukin10, LabAnalyte.Interleukin10),
    ];

    private static readonly Dictionary<string, LabAnalyte> ByLoinc = Codes.ToDictionary(c => c.Loinc, c => c.Analyte, StringComparer.Ordinal);

    /// <summary>Lactate: mg/dL per mmol/L (see remarks).</summary>
    public const decimal LactateMgPerDlPerMmolPerL = 9.01m;
    /// <summary>Creatinine: µmol/L per mg/dL (see remarks).</summary>
    public const decimal CreatinineUmolPerLPerMgPerDl = 88.4m;
    /// <summary>Bilirubin: µmol/L per mg/dL (see remarks).</summary>
    public const decimal BilirubinUmolPerLPerMgPerDl = 17.1m;

    /// <summary>The analyte a LOINC code measures.</summary>
    public static bool TryFromLoinc(string? code, out LabAnalyte analyte)
    {
        analyte = default;
        return code is not null && ByLoinc.TryGetValue(code.Trim(), out analyte);
    }

    /// <summary>The LOINC codes read as <paramref name="analyte"/>.</summary>
    public static IReadOnlyList<string> LoincCodes(LabAnalyte analyte) =>
        Codes.Where(c => c.Analyte == analyte).Select(c => c.Loinc).ToList();

    /// <summary>The canonical UCUM unit of <paramref name="analyte"/> (the unit of <see cref="LabResult.Value"/>).</summary>
    public static string CanonicalUnit(LabAnalyte analyte) => analyte switch
    {
        LabAnalyte.Interleukin6 or LabAnalyte.InterferonGamma or LabAnalyte.Interleukin10 => "pg/mL",
        LabAnalyte.CReactiveProtein => "mg/L",
        LabAnalyte.Ferritin or LabAnalyte.Procalcitonin or LabAnalyte.Tryptase => "ng/mL",
        LabAnalyte.Lactate => "mmol/L",
        LabAnalyte.LactateDehydrogenase or LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase => "U/L",
        LabAnalyte.Bilirubin or LabAnalyte.Creatinine or LabAnalyte.Fibrinogen => "mg/dL",
        LabAnalyte.Platelets or LabAnalyte.AbsoluteNeutrophilCount or LabAnalyte.WhiteBloodCells => "10*9/L",
        _ => "1",
    };

    /// <summary>
    /// A conversion UCUM cannot do for <paramref name="analyte"/>: the UCUM unit it applies to and the
    /// divisor that turns a value in that unit into the canonical unit (see remarks); null when none.
    /// </summary>
    public static (string Unit, decimal Divisor)? MolarConversion(LabAnalyte analyte) => analyte switch
    {
        LabAnalyte.Lactate => ("mg/dL", LactateMgPerDlPerMmolPerL),
        LabAnalyte.Creatinine => ("umol/L", CreatinineUmolPerLPerMgPerDl),
        LabAnalyte.Bilirubin => ("umol/L", BilirubinUmolPerLPerMgPerDl),
        _ => null,
    };

    /// <summary>True for enzyme activities, where "IU/L" reads as U/L (see remarks).</summary>
    public static bool IsEnzymeActivity(LabAnalyte analyte) =>
        analyte is LabAnalyte.LactateDehydrogenase or LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase;
}
