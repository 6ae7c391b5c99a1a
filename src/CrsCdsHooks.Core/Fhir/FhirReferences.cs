namespace CrsCdsHooks.Core.Fhir;

/// <summary>What a literal reference points at.</summary>
/// <param name="Type">The resource type ("Patient"), or null when the reference names none (a bare id).</param>
/// <param name="Id">The logical id.</param>
internal readonly record struct ReferenceTarget(string? Type, string Id);

/// <summary>Parses literal references: relative, absolute, with or without <c>_history</c>.</summary>
internal static class FhirReferences
{
    /// <summary>
    /// "Patient/p1", "https://ehr/fhir/Patient/p1", "Patient/p1/_history/3" → (Patient, p1); "p1" → (null, p1).
    /// Contained ("#x"), urn: and empty references return false (they need the caller's context).
    /// </summary>
    public static bool TryParse(string? reference, out ReferenceTarget target)
    {
        target = default;
        if (string.IsNullOrWhiteSpace(reference)) return false;
        var r = reference.Trim();
        if (r.StartsWith('#') || r.StartsWith("urn:", StringComparison.OrdinalIgnoreCase)) return false;
        var cut = r.IndexOfAny(['?', '#']);
        if (cut >= 0) r = r[..cut];
        var segments = r.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0) return false;
        var history = Array.FindLastIndex(segments, s => s == "_history");
        var end = history >= 0 ? history : segments.Length;
        if (end == 1)
        {
            target = new ReferenceTarget(null, segments[0]);
            return true;
        }
        if (end < 2) return false;
        target = new ReferenceTarget(segments[end - 2], segments[end - 1]);
        return true;
    }
}
