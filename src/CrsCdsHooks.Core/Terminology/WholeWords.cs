using System.Text;

namespace CrsCdsHooks.Core.Terminology;

/// <summary>
/// Whole-word, case-insensitive matching of names and phrases in free text (CRS-SPEC §9.8): "epinephrine"
/// does not match "norepinephrine", "prednisolone" does not match "methylprednisolone".
/// </summary>
/// <remarks>
/// Text and phrases are normalised the same way: lower case, every run of characters that are not letters
/// or digits becomes one space ("Solu-Medrol" → "solu medrol", "CAR-T" → "car t", "non-rebreather" →
/// "non rebreather"). A phrase matches where it occurs between two word boundaries. When a longer phrase
/// and a shorter one overlap, the caller decides with <see cref="FindAll"/> (longest match wins).
/// </remarks>
public static class WholeWords
{
    /// <summary>The normalised form: " solu medrol 125 mg " (a leading and a trailing space, lower case).</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text)) return " ";
        var sb = new StringBuilder(text.Length + 2);
        sb.Append(' ');
        var lastWasSpace = true;
        foreach (var ch in text)
        {
            if (char.IsLetterOrDigit(ch))
            {
                sb.Append(char.ToLowerInvariant(ch));
                lastWasSpace = false;
            }
            else if (!lastWasSpace)
            {
                sb.Append(' ');
                lastWasSpace = true;
            }
        }
        if (!lastWasSpace) sb.Append(' ');
        return sb.ToString();
    }

    /// <summary>True when <paramref name="phrase"/> occurs in <paramref name="text"/> as whole words.</summary>
    public static bool Contains(string? text, string phrase) =>
        ContainsNormalized(Normalize(text), Normalize(phrase));

    /// <summary>As <see cref="Contains"/>, for text and phrase already normalised by <see cref="Normalize"/>.</summary>
    public static bool ContainsNormalized(string normalizedText, string normalizedPhrase) =>
        normalizedPhrase.Length > 2 && normalizedText.Contains(normalizedPhrase, StringComparison.Ordinal);

    /// <summary>
    /// Every occurrence of every phrase in the normalised text, as (start, length, phrase index), with
    /// occurrences that lie inside a longer occurrence removed (longest match wins).
    /// </summary>
    internal static List<(int Start, int Length, int Index)> FindAll(string normalizedText, IReadOnlyList<string> normalizedPhrases)
    {
        var hits = new List<(int Start, int Length, int Index)>();
        for (var i = 0; i < normalizedPhrases.Count; i++)
        {
            var phrase = normalizedPhrases[i];
            if (phrase.Length <= 2) continue;
            var from = 0;
            while (from < normalizedText.Length)
            {
                var at = normalizedText.IndexOf(phrase, from, StringComparison.Ordinal);
                if (at < 0) break;
                hits.Add((at, phrase.Length, i));
                from = at + 1;
            }
        }
        if (hits.Count < 2) return hits;
        return hits
            .Where(h => !hits.Any(o => o.Length > h.Length && o.Start <= h.Start && o.Start + o.Length >= h.Start + h.Length))
            .OrderBy(h => h.Start)
            .ToList();
    }

    /// <summary>The words of a normalised text.</summary>
    internal static string[] Words(string normalizedText) =>
        normalizedText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
