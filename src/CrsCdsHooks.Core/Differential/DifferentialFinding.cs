using CrsCdsHooks.Core.Grading;

namespace CrsCdsHooks.Core.Differential;

/// <summary>How strongly the data points to an alternative or coexisting diagnosis (CRS-SPEC §5).</summary>
public enum FindingLevel
{
    /// <summary>Nothing found (wire "none-found"). Not "excluded": the screen never excludes.</summary>
    NoneFound,
    /// <summary>Wire "possible".</summary>
    Possible,
    /// <summary>Wire "likely".</summary>
    Likely,
}

/// <summary>
/// The result of a differential screen (infection/sepsis or anaphylaxis/infusion reaction). Screens never
/// lower or hide the CRS grade; CRS, infection and hypersensitivity can coexist.
/// </summary>
/// <param name="Level">likely | possible | none-found.</param>
/// <param name="Reasons">Kebab-case reason codes (documented with the screen), e.g. "febrile-neutropenia".</param>
/// <param name="Evidence">The facts behind each reason.</param>
/// <param name="Notes">Sentences for the card (e.g. "Fever argues for CRS").</param>
public sealed record DifferentialFinding(
    FindingLevel Level,
    IReadOnlyList<string> Reasons,
    IReadOnlyList<EvidenceItem> Evidence,
    IReadOnlyList<string> Notes)
{
    /// <summary>Nothing found.</summary>
    public static DifferentialFinding None { get; } = new(FindingLevel.NoneFound, [], [], []);
}
