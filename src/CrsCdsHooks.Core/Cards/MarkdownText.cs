using System.Text;

namespace CrsCdsHooks.Core.Cards;

/// <summary>
/// GitHub-flavoured markdown for card details. Everything that may carry text from the EHR (names, units, resource
/// ids, issue details) goes through <see cref="Text"/> or <see cref="Cell"/>, so a hostile record cannot inject links,
/// HTML or table structure into a card that the EHR displays verbatim.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// Escapes markdown markup in one line of text: backslash, backtick, emphasis, brackets, pipes, strikethrough; "&lt;"
    /// only where it could open a tag or autolink; "#" and "&gt;" at the start. Line breaks and control characters
    /// become spaces. Plain comparisons such as "&lt; 90 mmHg" stay readable in EHRs that show the raw text.
    /// </summary>
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text)) return string.Empty;
        var sb = new StringBuilder(text.Length + 8);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                sb.Append(' ');
                continue;
            }

            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            var escape = c switch
            {
                '\\' or '`' or '*' or '_' or '[' or ']' or '|' or '~' => true,
                '<' => char.IsLetter(next) || next is '/' or '!' or '?',
                '#' or '>' or '+' or '-' or '=' => sb.Length == 0 || sb.ToString().Trim().Length == 0,
                _ => false,
            };
            if (escape) sb.Append('\\');
            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>A table cell: <see cref="Text"/>, and "—" when empty.</summary>
    public static string Cell(string? text)
    {
        var escaped = Text(text);
        return escaped.Length == 0 ? "—" : escaped;
    }

    /// <summary>"a, b, c … and 12 more" (each item escaped).</summary>
    public static string List(IEnumerable<string> items, int cap)
    {
        var all = items.ToList();
        var shown = string.Join(", ", all.Take(cap).Select(Text));
        return all.Count > cap ? $"{shown} … and {all.Count - cap} more" : shown;
    }
}
