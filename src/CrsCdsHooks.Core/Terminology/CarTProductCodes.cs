using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// CAR-T products of CRS-SPEC §8.1 by generic name, brand name, the common short name ("axi-cel") and NDC
/// labeler-product prefix.
/// </summary>
/// <remarks>
/// Sources: CRS-SPEC §8.1; the FDA product labels (names and NDC). No RxNorm code is listed in the spec, so
/// none is matched (names and NDC only). A generic mention ("CAR-T cells", "chimeric antigen receptor")
/// reads as <see cref="CarTProduct.Unspecified"/>.
/// </remarks>
public static class CarTProductCodes
{
    private static readonly (CarTProduct Product, string[] Names, string[] NdcPrefixes)[] Table =
    [
        (CarTProduct.AxicabtageneCiloleucel, ["axicabtagene ciloleucel", "axicabtagene", "yescarta", "axi-cel"], ["71287-119"]),
        (CarTProduct.Tisagenlecleucel, ["tisagenlecleucel", "kymriah", "tisa-cel"], ["0078-0846"]),
        (CarTProduct.LisocabtageneMaraleucel, ["lisocabtagene maraleucel", "lisocabtagene", "breyanzi", "liso-cel"], []),
        (CarTProduct.BrexucabtageneAutoleucel, ["brexucabtagene autoleucel", "brexucabtagene", "tecartus", "brexu-cel"], ["71287-219"]),
        (CarTProduct.IdecabtageneVicleucel, ["idecabtagene vicleucel", "idecabtagene", "abecma", "ide-cel"], []),
        (CarTProduct.CiltacabtageneAutoleucel, ["ciltacabtagene autoleucel", "ciltacabtagene", "carvykti", "cilta-cel"], ["57894-111"]),
        (CarTProduct.ObecabtageneAutoleucel, ["obecabtagene autoleucel", "obecabtagene", "aucatzyl", "obe-cel"], []),
    ];

    private static readonly string[] NormalizedNames = Table.SelectMany(t => t.Names).Select(WholeWords.Normalize).ToArray();
    private static readonly CarTProduct[] NameOwners = Table.SelectMany(t => t.Names.Select(_ => t.Product)).ToArray();
    private static readonly string[] GenericMentions =
        [.. new[] { "car-t", "car t", "car-t cell", "cart-cell", "chimeric antigen receptor" }.Select(WholeWords.Normalize)];
    private static readonly string[] InfusionWords =
        [.. new[] { "infusion", "infused", "infuse", "administration", "administered", "administer" }.Select(WholeWords.Normalize)];
    private static readonly string[] CollectionWords =
        [.. new[] { "leukapheresis", "apheresis", "leukopheresis", "collection", "harvest", "manufacturing" }.Select(WholeWords.Normalize)];

    /// <summary>The names matched for <paramref name="product"/> (generic first).</summary>
    public static IReadOnlyList<string> Names(CarTProduct product) =>
        Table.FirstOrDefault(t => t.Product == product).Names ?? [];

    /// <summary>A product named in <paramref name="text"/> (generic, brand or short name; whole words).</summary>
    public static bool TryMatchName(string? text, out CarTProduct product)
    {
        product = CarTProduct.Unspecified;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var hits = WholeWords.FindAll(WholeWords.Normalize(text), NormalizedNames);
        if (hits.Count == 0) return false;
        product = NameOwners[hits[0].Index];
        return true;
    }

    /// <summary>
    /// A product whose NDC labeler-product prefix starts <paramref name="ndc"/>, in hyphenated form
    /// ("71287-119-01") or as 11 digits ("71287011901", labeler padded to 5 and product to 4 digits).
    /// </summary>
    public static bool TryMatchNdc(string? ndc, out CarTProduct product)
    {
        product = CarTProduct.Unspecified;
        if (string.IsNullOrWhiteSpace(ndc)) return false;
        var code = ndc.Trim();
        var digits = new string(code.Where(char.IsAsciiDigit).ToArray());
        foreach (var (p, _, prefixes) in Table)
        {
            foreach (var prefix in prefixes)
            {
                var parts = prefix.Split('-');
                var eleven = parts[0].PadLeft(5, '0') + parts[1].PadLeft(4, '0');
                if (code.StartsWith(prefix + "-", StringComparison.Ordinal) || code == prefix
                    || (digits.Length == 11 && digits.StartsWith(eleven, StringComparison.Ordinal)))
                {
                    product = p;
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>True when <paramref name="text"/> mentions CAR-T generically ("CAR-T", "CAR T", "chimeric antigen receptor").</summary>
    public static bool MentionsCarT(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var n = WholeWords.Normalize(text);
        return GenericMentions.Any(g => WholeWords.ContainsNormalized(n, g));
    }

    /// <summary>
    /// True when a Procedure's text (its code's texts and displays, joined) records a CAR-T infusion (CRS-SPEC §9.1,
    /// §9.33): it names a product (<paramref name="product"/>) or CAR-T generically (<see cref="CarTProduct.Unspecified"/>)
    /// and says infusion/administration, not collection.
    /// </summary>
    public static bool TryMatchInfusionProcedure(string? text, out CarTProduct product)
    {
        var named = TryMatchName(text, out product) || MentionsCarT(text);
        if (named && SaysInfusion(text)) return true;
        product = CarTProduct.Unspecified;
        return false;
    }

    /// <summary>
    /// True when a Procedure's text says infusion/administration and not collection (CRS-SPEC §9.1, §9.33:
    /// leukapheresis does not count).
    /// </summary>
    public static bool SaysInfusion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return false;
        var n = WholeWords.Normalize(text);
        return InfusionWords.Any(w => WholeWords.ContainsNormalized(n, w))
            && !CollectionWords.Any(w => WholeWords.ContainsNormalized(n, w));
    }
}
