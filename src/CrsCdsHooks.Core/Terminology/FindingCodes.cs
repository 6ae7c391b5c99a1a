using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// Findings of CRS-SPEC §5 and §9.22 by SNOMED CT code and by text.
/// </summary>
/// <remarks>
/// Text (§9.22): "urticaria", "hives", "angioedema", "bronchospasm", words starting "wheez", "stridor",
/// "flushing"; sepsis words for Conditions ("sepsis", "septic shock", "bacteremia"). Whole words,
/// case-insensitive. Text is not read as a finding when it is negated [operational]: a qualifier anywhere in
/// the text ("rule out", "r/o", "risk for", "history of", "h/o", "screening", "negative for", "no evidence of";
/// and "line", "catheter", "PICC", "port", "saline", "heparin", so that "line flushing" is no flushing)
/// or one of "no", "not", "without", "denies", "negative", "free of" within the two words before the phrase,
/// or "absent", "negative", "resolved", "none" right after it ("wheezing absent", "no wheezing", "sepsis
/// without septic shock" → sepsis only). Codes are read as coded; a coded Observation whose value says
/// absent/no is handled by the reader.
/// </remarks>
public static class FindingCodes
{
    private static readonly Dictionary<string, FindingKind> BySnomed = new(StringComparer.Ordinal)
    {
        [Snomed.Sepsis] = FindingKind.Sepsis,
        [Snomed.SepticShock] = FindingKind.SepticShock,
        [Snomed.BacterialSepsis] = FindingKind.BacterialSepsis,
        [Snomed.Bacteremia] = FindingKind.Bacteremia,
        [Snomed.Urticaria] = FindingKind.Urticaria,
        [Snomed.Weal] = FindingKind.Weal,
        [Snomed.Angioedema] = FindingKind.Angioedema,
        [Snomed.Bronchospasm] = FindingKind.Bronchospasm,
        [Snomed.Wheezing] = FindingKind.Wheezing,
        [Snomed.Stridor] = FindingKind.Stridor,
    };

    // Longer phrases first so that "septic shock" and "bacterial sepsis" win over "sepsis".
    private static readonly (FindingKind Kind, string Phrase)[] TextPhrases =
    [
        (FindingKind.SepticShock, "septic shock"),
        (FindingKind.BacterialSepsis, "bacterial sepsis"),
        (FindingKind.Sepsis, "sepsis"),
        (FindingKind.Sepsis, "septicemia"),
        (FindingKind.Sepsis, "septicaemia"),
        (FindingKind.Bacteremia, "bacteremia"),
        (FindingKind.Bacteremia, "bacteraemia"),
        (FindingKind.Urticaria, "urticaria"),
        (FindingKind.Urticaria, "hives"),
        (FindingKind.Weal, "weal"),
        (FindingKind.Weal, "wheal"),
        (FindingKind.Angioedema, "angioedema"),
        (FindingKind.Angioedema, "angio-oedema"),
        (FindingKind.Flushing, "flushing"),
        (FindingKind.Flushing, "flushed"),
        (FindingKind.Bronchospasm, "bronchospasm"),
        (FindingKind.Stridor, "stridor"),
    ];

    private static readonly string[] NormalizedPhrases = TextPhrases.Select(p => WholeWords.Normalize(p.Phrase)).ToArray();

    private static readonly string[] Qualifiers =
        [.. new[] { "rule out", "ruled out", "r/o", "risk for", "risk of", "at risk", "history of", "h/o", "family history",
            "screening", "screen", "negative for", "no evidence of", "no signs of", "no sign of",
            "line", "catheter", "picc", "cvc", "port", "saline", "heparin" }
            .Select(WholeWords.Normalize)];

    private static readonly HashSet<string> NegatorsBefore = new(StringComparer.Ordinal) { "no", "not", "without", "denies", "denied", "negative", "free" };
    private static readonly HashSet<string> NegatorsAfter = new(StringComparer.Ordinal) { "absent", "negative", "resolved", "none", "no" };

    /// <summary>The finding for a SNOMED CT code of CRS-SPEC §5.</summary>
    public static bool TryFromSnomed(string? code, out FindingKind kind)
    {
        kind = default;
        return code is not null && BySnomed.TryGetValue(code.Trim(), out kind);
    }

    /// <summary>Every finding named (and not negated) in <paramref name="text"/>; see the remarks.</summary>
    /// <remarks>
    /// The reader asks this of every Observation's code text, and the same few texts recur hundreds of times in a
    /// record ("Heart rate", "Blood pressure panel…"): answers for texts up to 256 characters are remembered
    /// (at most 4,096 texts; the answer depends on the text alone).
    /// </remarks>
    public static IReadOnlyList<FindingKind> FromText(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        if (text.Length > MaxCachedTextLength) return Find(text);
        if (Remembered.TryGetValue(text, out var known)) return known;
        var found = Find(text);
        if (Remembered.Count < MaxRememberedTexts) Remembered.TryAdd(text, found);
        return found;
    }

    private const int MaxCachedTextLength = 256;
    private const int MaxRememberedTexts = 4096;
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, FindingKind[]> Remembered = new(StringComparer.Ordinal);

    private static FindingKind[] Find(string text)
    {
        var n = WholeWords.Normalize(text);
        if (Qualifiers.Any(q => WholeWords.ContainsNormalized(n, q))) return [];
        var found = new List<FindingKind>();
        foreach (var (start, length, index) in WholeWords.FindAll(n, NormalizedPhrases))
        {
            if (IsNegated(n, start, length)) continue;
            var kind = TextPhrases[index].Kind;
            if (!found.Contains(kind)) found.Add(kind);
        }
        foreach (var word in WholeWords.Words(n))
        {
            // "wheez" is a stem (§9.22): wheeze, wheezes, wheezing.
            if (!word.StartsWith("wheez", StringComparison.Ordinal)) continue;
            var at = n.IndexOf(" " + word + " ", StringComparison.Ordinal);
            if (at >= 0 && !IsNegated(n, at, word.Length + 2) && !found.Contains(FindingKind.Wheezing))
                found.Add(FindingKind.Wheezing);
        }
        return [.. found];
    }

    /// <summary>True for the signs of an anaphylaxis/infusion reaction (skin/mucosal or respiratory, CRS-SPEC §5).</summary>
    public static bool IsAnaphylaxisSign(FindingKind kind) => kind is not (FindingKind.Sepsis or FindingKind.SepticShock
        or FindingKind.BacterialSepsis or FindingKind.Bacteremia);

    private static bool IsNegated(string normalized, int start, int length)
    {
        var before = normalized[..start].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (var i = before.Length - 1; i >= 0 && i >= before.Length - 2; i--)
        {
            if (NegatorsBefore.Contains(before[i])) return true;
        }
        var after = normalized[(start + length - 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return after.Length > 0 && NegatorsAfter.Contains(after[0]);
    }
}
