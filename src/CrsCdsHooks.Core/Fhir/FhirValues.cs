using CrsCdsHooks.Core.Terminology;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Safe reads of Firely POCO members. A resource Firely deserialised with errors keeps the raw literal in
/// <c>JsonValue</c> and its typed getters throw (a status "finalx", a decimal "abc"); these helpers read
/// the raw value and return null for anything of the wrong shape, so the reader never throws on odd data.
/// </summary>
internal static class FhirValues
{
    /// <summary>The string value of a primitive, or null (wrong type, empty, whitespace).</summary>
    public static string? Text(PrimitiveType? primitive)
    {
        var raw = primitive?.JsonValue as string;
        return string.IsNullOrWhiteSpace(raw) ? null : raw.Trim();
    }

    /// <summary>The decimal value of a FhirDecimal/Integer, or null.</summary>
    public static decimal? Number(PrimitiveType? primitive) => primitive?.JsonValue switch
    {
        decimal d => d,
        int i => i,
        long l => l,
        _ => null,
    };

    /// <summary>The resource id, or null.</summary>
    public static string? Id(Resource resource) => resource.TryGetValue("id", out var id) && id is PrimitiveType p ? Text(p) : null;

    /// <summary>The codings of a concept that are not null.</summary>
    public static IEnumerable<Coding> Codings(CodeableConcept? concept) =>
        concept?.Coding?.Where(c => c is not null) ?? [];

    /// <summary>The system of a coding, or null.</summary>
    public static string? System(Coding coding) => Text(coding.SystemElement);

    /// <summary>The code of a coding, or null.</summary>
    public static string? Code(Coding coding) => Text(coding.CodeElement);

    /// <summary>The display of a coding, or null.</summary>
    public static string? Display(Coding coding) => Text(coding.DisplayElement);

    /// <summary>The text of a concept, or null.</summary>
    public static string? Text(CodeableConcept? concept) => concept is null ? null : Text(concept.TextElement);

    /// <summary>Every text and display of a concept (text first), without duplicates.</summary>
    public static List<string> Texts(CodeableConcept? concept)
    {
        var texts = new List<string>();
        AddDistinct(texts, Text(concept));
        foreach (var coding in Codings(concept)) AddDistinct(texts, Display(coding));
        return texts;
    }

    /// <summary>Every text and display joined, for text matching.</summary>
    public static string JoinedText(CodeableConcept? concept) => string.Join(" | ", Texts(concept));

    /// <summary>The codes of a concept in <paramref name="system"/>.</summary>
    public static IReadOnlyList<string> CodesIn(CodeableConcept? concept, string system)
    {
        if (concept is null || concept.Coding.Count == 0) return [];
        List<string>? codes = null;
        foreach (var coding in concept.Coding)
        {
            if (coding is not null && System(coding) == system && Code(coding) is { } code) (codes ??= new List<string>(2)).Add(code);
        }
        return codes ?? (IReadOnlyList<string>)[];
    }

    /// <summary>
    /// The LOINC codes of a concept. A coding without a system counts when its code has the LOINC shape
    /// ("8310-5") [operational: EHR feeds sometimes drop the system].
    /// </summary>
    /// <remarks>A plain loop, not a LINQ chain: the reader asks this several times per Observation.</remarks>
    public static IReadOnlyList<string> LoincCodes(CodeableConcept? concept)
    {
        if (concept is null || concept.Coding.Count == 0) return [];
        List<string>? codes = null;
        foreach (var coding in concept.Coding)
        {
            if (coding is null) continue;
            var system = System(coding);
            if (system != CodeSystems.Loinc && (system is not null || !LooksLikeLoinc(Code(coding)))) continue;
            if (Code(coding) is { } code) (codes ??= new List<string>(2)).Add(code);
        }
        return codes ?? (IReadOnlyList<string>)[];
    }

    /// <summary>True when a concept carries <paramref name="loinc"/>.</summary>
    public static bool HasLoinc(CodeableConcept? concept, string loinc)
    {
        var codes = LoincCodes(concept);
        for (var i = 0; i < codes.Count; i++)
        {
            if (string.Equals(codes[i], loinc, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    /// <summary>True when a concept carries any of <paramref name="codes"/> (LOINC).</summary>
    public static bool HasAnyLoinc(CodeableConcept? concept, IReadOnlySet<string> codes)
    {
        var loincs = LoincCodes(concept);
        for (var i = 0; i < loincs.Count; i++)
        {
            if (codes.Contains(loincs[i])) return true;
        }
        return false;
    }

    /// <summary>The SNOMED CT codes of a concept.</summary>
    public static IReadOnlyList<string> SnomedCodes(CodeableConcept? concept) => CodesIn(concept, CodeSystems.Snomed);

    /// <summary>A reference's literal reference, or null.</summary>
    public static string? Reference(ResourceReference? reference) => reference is null ? null : Text(reference.ReferenceElement);

    /// <summary>A short description of the first coding, for issue details ("LOINC 2345-7").</summary>
    public static string DescribeCode(CodeableConcept? concept)
    {
        var first = Codings(concept).FirstOrDefault(c => Code(c) is not null);
        if (first is null) return Text(concept) is null ? "no code" : "text only";
        var system = System(first) switch
        {
            CodeSystems.Loinc => "LOINC",
            CodeSystems.Snomed => "SNOMED CT",
            CodeSystems.RxNorm => "RxNorm",
            null => "no system",
            var other => other.Length > 60 ? other[..60] : other,
        };
        var code = Code(first)!;
        return $"{system} {(code.Length > 40 ? code[..40] : code)}";
    }

    /// <summary>Adds a non-empty string unless it is already there (case-insensitive).</summary>
    public static void AddDistinct(List<string> list, string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return;
        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase)) list.Add(value);
    }

    private static bool LooksLikeLoinc(string? code)
    {
        if (code is null || code.Length < 3 || code.Length > 8) return false;
        var dash = code.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash == code.Length - 2
            && code[..dash].All(char.IsAsciiDigit) && char.IsAsciiDigit(code[^1]);
    }
}
