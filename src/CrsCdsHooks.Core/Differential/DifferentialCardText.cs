using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Grading;
using CrsCdsHooks.Core.Management;

namespace CrsCdsHooks.Core.Differential;

/// <summary>Markdown pieces and references shared by the infection and anaphylaxis cards (CRS-SPEC §7).</summary>
internal static class DifferentialCardText
{
    /// <summary>Taplitz RA et al. ASCO/IDSA febrile neutropenia guideline update. J Clin Oncol 2018;36:1443–1453.</summary>
    public static readonly CdsLink Taplitz2018 = new("Febrile neutropenia: ASCO/IDSA guideline (Taplitz 2018)", "https://doi.org/10.1200/JCO.2017.77.6211", "absolute");
    /// <summary>Singer M et al. Sepsis-3. JAMA 2016;315:801–810.</summary>
    public static readonly CdsLink Singer2016 = new("Sepsis-3 definitions (Singer 2016)", "https://doi.org/10.1001/jama.2016.0287", "absolute");
    /// <summary>Sampson HA et al. NIAID/FAAN anaphylaxis criteria. J Allergy Clin Immunol 2006;117:391–397.</summary>
    public static readonly CdsLink Sampson2006 = new("Anaphylaxis criteria: NIAID/FAAN (Sampson 2006)", "https://doi.org/10.1016/j.jaci.2005.12.1303", "absolute");
    /// <summary>Cardona V et al. WAO anaphylaxis guidance 2020. World Allergy Organ J 2020;13:100472.</summary>
    public static readonly CdsLink Cardona2020 = new("WAO anaphylaxis guidance 2020 (Cardona)", "https://doi.org/10.1016/j.waojou.2020.100472", "absolute");
    /// <summary>Valent P et al. The 20 % + 2 tryptase formula. Int Arch Allergy Immunol 2019;180:44–51.</summary>
    public static readonly CdsLink Valent2019 = new("Tryptase 20 % + 2 rule (Valent 2019)", "https://doi.org/10.1159/000501079", "absolute");

    /// <summary>The level as the card says it.</summary>
    public static string Level(FindingLevel level) => level switch
    {
        FindingLevel.Likely => "likely",
        FindingLevel.Possible => "possible",
        _ => "none found",
    };

    /// <summary>"Current CRS grade 2 (ASTCT 2019, up to 3), day 3 after axicabtagene ciloleucel."</summary>
    public static string CrsContext(CrsAssessment crs)
    {
        var text = crs.PrimaryGrade is { } g
            ? $"Current CRS grade {g.Grade} ({ManagementPlanner.SystemName(crs.PrimarySystem)}{(g.UpperBound > g.Grade ? $", up to {g.UpperBound}" : string.Empty)})"
            : "CRS not graded";
        if (crs.Infusion is { } i) text += $", day {i.Day} after {Timeline.DrugClasses.GenericName(i.Product)}";
        return text + ".";
    }

    /// <summary>The evidence table: | Finding | Value (unit) | Time | Source |.</summary>
    public static IEnumerable<string> EvidenceTable(IEnumerable<EvidenceItem> evidence, Func<string, string> label)
    {
        yield return "| Finding | Value (unit) | Time | Source |";
        yield return "|---|---|---|---|";
        foreach (var e in evidence)
            yield return $"| {Cell(label(e.Criterion))} | {Cell(e.Finding)} | {Cell(ScreenFormat.Time(e.Time))} | {Cell(string.Join(", ", e.Sources))} |";
    }

    /// <summary>A markdown table cell: markdown and HTML characters escaped, line breaks flattened.</summary>
    public static string Cell(string text) => Escape(text);

    /// <summary>
    /// Text that may carry data from the record (drug, organism, allergy names) made inert in markdown: every
    /// markdown or HTML control character is backslash-escaped and line breaks are flattened, so a name can
    /// neither format the card nor inject HTML or links.
    /// </summary>
    public static string Escape(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '<' or '>' or '|' or '#' or '~' or '!':
                    sb.Append('\\').Append(c);
                    break;
                case '\r' or '\n' or '\t':
                    sb.Append(' ');
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>"- a" lines, each escaped (<see cref="Escape"/>).</summary>
    public static IEnumerable<string> Bullets(IEnumerable<string> items) => items.Select(i => $"- {Escape(i)}");

    /// <summary>A source reference line "- [label](url)".</summary>
    public static string Reference(CdsLink link) => $"- [{link.Label}]({link.Url})";

    /// <summary>
    /// A summary shorter than 140 characters: the head, then as many items as fit, "…" when some were left out.
    /// </summary>
    public static string Summary(string head, IReadOnlyList<string> items)
    {
        const int max = 139;
        var text = head;
        for (var i = 0; i < items.Count; i++)
        {
            var next = (i == 0 ? ": " : ", ") + items[i];
            var rest = i < items.Count - 1 ? " …" : string.Empty;
            if (text.Length + next.Length + rest.Length > max)
                return text.Length + 2 <= max ? text + " …" : text[..(max - 1)] + "…";
            text += next;
        }

        return text.Length <= max ? text : text[..(max - 1)] + "…";
    }

    /// <summary>The card's extension, or null for an empty one (no <c>{}</c> on the wire).</summary>
    public static IReadOnlyDictionary<string, object>? Extension(IReadOnlyDictionary<string, object> extension) =>
        extension.Count == 0 ? null : extension;
}
