using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// The drugs of CRS-SPEC §8.2 by RxNorm ingredient code and by whole-word name (generic names, synonyms
/// and brand names), because EHRs often code at product level (§2: name matching is required).
/// </summary>
/// <remarks>
/// Sources: RxNorm ingredient codes and names as listed in CRS-SPEC §8.2; brand names and synonyms from the
/// US product labels (DailyMed) and the INN/BAN names (noradrenaline, adrenaline, paracetamol). Biosimilar
/// suffixes ("tocilizumab-aazg") match because a hyphen is a word boundary (<see cref="WholeWords"/>).
/// </remarks>
public static class DrugCodes
{
    private static readonly (Drug Drug, string? RxNorm, string[] Names)[] Table =
    [
        (Drug.Tocilizumab, RxNorm.Tocilizumab, ["tocilizumab", "actemra", "tofidence", "tyenne"]),
        (Drug.Siltuximab, null, ["siltuximab", "sylvant"]),
        (Drug.Anakinra, RxNorm.Anakinra, ["anakinra", "kineret"]),
        (Drug.Dexamethasone, RxNorm.Dexamethasone, ["dexamethasone", "decadron"]),
        (Drug.Methylprednisolone, RxNorm.Methylprednisolone, ["methylprednisolone", "solu-medrol", "solumedrol", "medrol", "depo-medrol"]),
        (Drug.Hydrocortisone, RxNorm.Hydrocortisone, ["hydrocortisone", "solu-cortef", "solucortef", "cortef"]),
        (Drug.Prednisone, RxNorm.Prednisone, ["prednisone", "deltasone"]),
        (Drug.Prednisolone, RxNorm.Prednisolone, ["prednisolone", "orapred", "prelone"]),
        (Drug.Acetaminophen, RxNorm.Acetaminophen, ["acetaminophen", "paracetamol", "tylenol", "apap", "ofirmev"]),
        (Drug.Ibuprofen, RxNorm.Ibuprofen, ["ibuprofen", "advil", "motrin", "caldolor"]),
        (Drug.Ketorolac, null, ["ketorolac", "toradol"]),
        (Drug.Naproxen, null, ["naproxen", "aleve", "naprosyn"]),
        (Drug.Norepinephrine, RxNorm.Norepinephrine, ["norepinephrine", "noradrenaline", "levophed", "levarterenol", "nor-epinephrine", "nor-adrenaline"]),
        (Drug.Epinephrine, RxNorm.Epinephrine, ["epinephrine", "adrenaline", "adrenalin", "epipen"]),
        (Drug.Phenylephrine, RxNorm.Phenylephrine, ["phenylephrine", "neo-synephrine", "neosynephrine"]),
        (Drug.Dopamine, RxNorm.Dopamine, ["dopamine", "intropin"]),
        (Drug.Vasopressin, RxNorm.Vasopressin, ["vasopressin", "vasostrict", "pitressin", "argipressin"]),
        (Drug.Dobutamine, RxNorm.Dobutamine, ["dobutamine", "dobutrex"]),
        (Drug.Milrinone, RxNorm.Milrinone, ["milrinone", "primacor"]),
    ];

    private static readonly Dictionary<string, Drug> RxNormIndex =
        Table.Where(t => t.RxNorm is not null).ToDictionary(t => t.RxNorm!, t => t.Drug, StringComparer.Ordinal);

    private static readonly string[] NormalizedNames = Table.SelectMany(t => t.Names).Select(WholeWords.Normalize).ToArray();
    private static readonly Drug[] NameOwners = Table.SelectMany(t => t.Names.Select(_ => t.Drug)).ToArray();

    /// <summary>
    /// Local anaesthetics: epinephrine combined with one of them is a vasoconstrictor adjunct for local
    /// infiltration ("lidocaine with epinephrine"), never a vasopressor [operational].
    /// </summary>
    internal static IReadOnlyList<string> LocalAnaesthetics { get; } =
        ["lidocaine", "lignocaine", "bupivacaine", "articaine", "prilocaine", "mepivacaine", "ropivacaine", "xylocaine", "marcaine", "septocaine"];

    /// <summary>The §8.2 drugs by RxNorm ingredient code.</summary>
    public static IReadOnlyDictionary<string, Drug> ByRxNorm => RxNormIndex;

    /// <summary>The generic name first, then the synonyms and brand names matched for <paramref name="drug"/>.</summary>
    public static IReadOnlyList<string> Names(Drug drug) => Table.First(t => t.Drug == drug).Names;

    /// <summary>The RxNorm ingredient code of <paramref name="drug"/>, null when the spec names none.</summary>
    public static string? RxNormCode(Drug drug) => Table.First(t => t.Drug == drug).RxNorm;

    /// <summary>True when <paramref name="code"/> is the RxNorm ingredient code of a §8.2 drug.</summary>
    public static bool TryMatchRxNorm(string? code, out Drug drug)
    {
        drug = default;
        return code is not null && RxNormIndex.TryGetValue(code.Trim(), out drug);
    }

    /// <summary>Every §8.2 drug named in <paramref name="text"/> (whole words, longest match wins), in order of appearance.</summary>
    public static IReadOnlyList<Drug> MatchNames(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var hits = WholeWords.FindAll(WholeWords.Normalize(text), NormalizedNames);
        return hits.Select(h => NameOwners[h.Index]).Distinct().ToList();
    }

    /// <summary>The first §8.2 drug named in <paramref name="text"/>, whole-word and case-insensitive.</summary>
    public static bool TryMatchName(string? text, out Drug drug)
    {
        var all = MatchNames(text);
        drug = all.Count > 0 ? all[0] : default;
        return all.Count > 0;
    }

    /// <summary>True when a word of <paramref name="text"/> ends in "mab" (a monoclonal antibody, CRS-SPEC §9.21).</summary>
    public static bool NamesMonoclonalAntibody(string? text) =>
        !string.IsNullOrEmpty(text)
        && WholeWords.Words(WholeWords.Normalize(text)).Any(w => w.Length > 4 && w.EndsWith("mab", StringComparison.Ordinal));
}
