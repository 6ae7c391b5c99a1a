using System.Globalization;

using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Grading;

/// <summary>A graded organ-toxicity lab.</summary>
/// <param name="CtcaeGrade">The CTCAE v5.0 grade of the lab (0 when at or below the grade 2 band).</param>
/// <param name="LeeGrade">What it contributes to Lee 2014 (2, 3 or 4; 0 when nothing).</param>
/// <param name="Multiple">Value ÷ ULN, for the card.</param>
internal readonly record struct OrganGrade(int CtcaeGrade, int LeeGrade, decimal Multiple);

/// <summary>
/// Lee 2014 organ toxicity from CTCAE v5.0 lab bands (CRS-SPEC §4, §9.16): AST/ALT, total bilirubin, creatinine,
/// against the lab's own upper limit of normal. Lee 2014: grade 2 organ toxicity → 2; grade 3, or grade 4
/// transaminitis → 3; grade 4 other than transaminitis → 4. A lab without ULN is not graded.
/// </summary>
internal static class OrganToxicity
{
    /// <summary>True for the analytes Lee 2014 grades as organ toxicity here.</summary>
    public static bool IsOrganLab(LabAnalyte analyte) =>
        analyte is LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase
            or LabAnalyte.Bilirubin or LabAnalyte.Creatinine;

    /// <summary>Grades an organ lab; null when it has no ULN (or a non-positive one) or is not an organ lab.</summary>
    /// <remarks>Each comparison is "value &gt; factor × ULN" with the value rounded to the threshold's decimals
    /// (CRS-SPEC §9.5, §9.31): [operational] the decimals of factor × ULN, and at least those of the ULN as reported
    /// (ULN 1.2 × 10 = 12.0 compares tenths; ULN 40 × 3 = 120 compares whole numbers).</remarks>
    public static OrganGrade? Grade(LabResult lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (!IsOrganLab(lab.Analyte) || lab.UpperLimitOfNormal is not { } uln || uln <= 0m) return null;

        var transaminase = lab.Analyte is LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase;
        var (g2, g3, g4) = lab.Analyte switch
        {
            LabAnalyte.AspartateAminotransferase or LabAnalyte.AlanineAminotransferase =>
                (GradingCriteria.OrganToxicityUln.TransaminaseGrade2, GradingCriteria.OrganToxicityUln.TransaminaseGrade3, GradingCriteria.OrganToxicityUln.TransaminaseGrade4),
            LabAnalyte.Bilirubin =>
                (GradingCriteria.OrganToxicityUln.BilirubinGrade2, GradingCriteria.OrganToxicityUln.BilirubinGrade3, GradingCriteria.OrganToxicityUln.BilirubinGrade4),
            _ =>
                (GradingCriteria.OrganToxicityUln.CreatinineGrade2, GradingCriteria.OrganToxicityUln.CreatinineGrade3, GradingCriteria.OrganToxicityUln.CreatinineGrade4),
        };

        var ctcae =
            Above(lab.Value, g4, uln) ? 4 :
            Above(lab.Value, g3, uln) ? 3 :
            Above(lab.Value, g2, uln) ? 2 : 0;
        var lee = ctcae switch
        {
            4 => transaminase ? 3 : 4,
            3 => 3,
            2 => 2,
            _ => 0,
        };
        return new OrganGrade(ctcae, lee, Math.Round(lab.Value / uln, 1, MidpointRounding.AwayFromZero));
    }

    private static bool Above(decimal value, decimal factor, decimal uln)
    {
        var threshold = factor * uln;
        var decimals = Math.Max(ClinicalRounding.DecimalsOf(threshold), ClinicalRounding.DecimalsOf(uln));
        return ClinicalRounding.Above(value, threshold, decimals);
    }

    /// <summary>The card's name for an organ lab ("creatinine").</summary>
    public static string Name(LabAnalyte analyte) => analyte switch
    {
        LabAnalyte.AspartateAminotransferase => "AST",
        LabAnalyte.AlanineAminotransferase => "ALT",
        LabAnalyte.Bilirubin => "total bilirubin",
        LabAnalyte.Creatinine => "creatinine",
        _ => analyte.ToString(),
    };

    /// <summary>"4.8 mg/dL (4.0 × ULN 1.2)".</summary>
    public static string Describe(LabResult lab, OrganGrade? grade)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var value = $"{lab.Value.ToString("0.###", CultureInfo.InvariantCulture)} {lab.Unit}";
        return grade is { } g && lab.UpperLimitOfNormal is { } uln
            ? $"{value} ({g.Multiple.ToString("0.0", CultureInfo.InvariantCulture)} × ULN {uln.ToString("0.###", CultureInfo.InvariantCulture)})"
            : value;
    }
}
