using CrsCdsHooks.Core.CdsHooks;

namespace CrsCdsHooks.Api.Evaluation;

/// <summary>
/// What a served card is about — <c>crs</c>, <c>infection</c> or <c>anaphylaxis</c> — for the served-card audit and the
/// feedback report, read from the card itself: its <c>source.url</c>, the criteria its builder applied (CRS-SPEC §7).
/// </summary>
/// <remarks>
/// The <c>crsCdsHooks.assessment</c> extension cannot tell the cards apart: every card of a response carries the
/// same object. The source is what each builder sets differently, and it names a paper, not a wording: the ASTCT 2019,
/// Lee 2014 or CTCAE v5.0 grading for the CRS card (by the primary system) — and for the card the core answers instead of
/// it when a CAR-T infusion record could not be used (eligibility and grade undetermined: it stands in for the CRS card,
/// so it is a <c>crs</c> card too; its audit summary says "not graded"), ASCO/IDSA febrile neutropenia (Taplitz
/// 2018) or Sepsis-3 (Singer 2016) for the infection card, NIAID/FAAN (Sampson 2006) for the anaphylaxis card. A card
/// with any other source is <c>unknown</c>; <c>Evaluation/CardKindsTests</c> runs every sample through the real core
/// and fails if a card of it is unknown, so a new source in the core cannot go unnoticed.
/// </remarks>
internal static class CardKinds
{
    public const string Crs = "crs";
    public const string Infection = "infection";
    public const string Anaphylaxis = "anaphylaxis";

    /// <summary>A card whose source names none of the known criteria (and served cards audited before kinds were kept).</summary>
    public const string Unknown = "unknown";

    private static readonly Dictionary<string, string> BySourceUrl = new(StringComparer.Ordinal)
    {
        ["https://doi.org/10.1016/j.bbmt.2018.12.758"] = Crs,              // ASTCT 2019 (Lee DW et al., BBMT 2019)
        ["https://doi.org/10.1182/blood-2014-05-552729"] = Crs,            // Lee 2014 (Blood 2014)
        ["https://ctep.cancer.gov/protocolDevelopment/electronic_applications/docs/CTCAE_v5_Quick_Reference_8.5x11.pdf"] = Crs, // CTCAE v5.0
        ["https://doi.org/10.1200/JCO.2017.77.6211"] = Infection,          // ASCO/IDSA febrile neutropenia (Taplitz 2018)
        ["https://doi.org/10.1001/jama.2016.0287"] = Infection,            // Sepsis-3 (Singer 2016)
        ["https://doi.org/10.1016/j.jaci.2005.12.1303"] = Anaphylaxis,     // NIAID/FAAN (Sampson 2006)
    };

    /// <summary>The kind of one card: <see cref="Crs"/>, <see cref="Infection"/>, <see cref="Anaphylaxis"/> or <see cref="Unknown"/>.</summary>
    public static string Of(CdsCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return card.Source.Url is { } url && BySourceUrl.TryGetValue(url, out var kind) ? kind : Unknown;
    }
}
