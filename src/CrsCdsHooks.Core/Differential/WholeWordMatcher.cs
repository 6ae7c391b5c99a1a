using System.Text;

namespace CrsCdsHooks.Core.Differential;

/// <summary>
/// Whole-word, case-insensitive phrase matching for drug and allergy names (CRS-SPEC §9.8): "epinephrine"
/// does not match "norepinephrine", "prednisolone" does not match "methylprednisolone", and
/// "amoxicillin" matches "Amoxicillin-clavulanate 875 mg tablet". Every character that is not a letter or
/// a digit separates words.
/// </summary>
/// <remarks>
/// The FHIR reader has its own matcher for the §8.2 drug names; this one serves the anaphylaxis screen's
/// allergy matching (CRS-SPEC §9.21). The integrator may consolidate the two.
/// </remarks>
internal static class WholeWordMatcher
{
    /// <summary>True when <paramref name="phrase"/> occurs in <paramref name="text"/> as whole words.</summary>
    public static bool ContainsPhrase(string? text, string? phrase)
    {
        var p = Normalize(phrase);
        if (p.Length == 0) return false;
        var t = Normalize(text);
        if (t.Length == 0) return false;
        return $" {t} ".Contains($" {p} ", StringComparison.Ordinal);
    }

    /// <summary>Lower-case words separated by single spaces ("Amoxicillin-Clavulanate" → "amoxicillin clavulanate").</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return string.Empty;
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (pendingSpace && sb.Length > 0) sb.Append(' ');
                pendingSpace = false;
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                pendingSpace = true;
            }
        }

        return sb.ToString();
    }
}