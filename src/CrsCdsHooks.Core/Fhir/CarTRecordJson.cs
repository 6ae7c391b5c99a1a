using System.Text.Json;

using CrsCdsHooks.Core.Terminology;
using CrsCdsHooks.Core.Timeline;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Finds a CAR-T infusion in the raw JSON of a resource that is not valid FHIR, so that its issue can say so
/// (<see cref="DataIssue.CarTRecord"/>): a treated patient whose infusion record is refused must not look untreated.
/// </summary>
/// <remarks>
/// <para>[operational] The same rules as the timeline reader, applied to the strings of the JSON instead of Firely's
/// elements: a MedicationAdministration counts when a string under a <c>medication…</c> member (the codeable concept or
/// reference, whatever its spelling or shape) or under <c>contained</c> names a CAR-T product (CRS-SPEC §8.1) or CAR-T
/// generically, or a coding with the NDC system has a CAR-T product's NDC; other members (dosage text, notes) are not
/// read, as the reader does not read them ("premedication before CAR-T" on an acetaminophen record is no infusion). A
/// Procedure counts when the strings under <c>code</c>, joined, say infusion/administration and name a product, "CAR-T",
/// "CAR T" or "chimeric antigen receptor" (§9.33). The resource type is the raw <c>resourceType</c>. A Medication that a
/// refused administration references by id is not followed (not known here).</para>
/// <para>The start is <c>effectiveDateTime</c>/<c>effectivePeriod.start</c> or <c>performedDateTime</c>/
/// <c>performedPeriod.start</c> when it reads as an instant, or a date (the start of that day, UTC, as the reader takes
/// a CAR-T infusion with a date only); otherwise unknown.</para>
/// <para>Never throws and never reads more than <see cref="MaxStrings"/> strings or <see cref="MaxDepth"/> levels: it runs
/// only on refused resources, which may be hostile.</para>
/// </remarks>
internal static class CarTRecordJson
{
    /// <summary>Most strings read from one resource (a bound for hostile input; CAR-T names come early in practice).</summary>
    internal const int MaxStrings = 2_000;

    /// <summary>Deepest nesting followed.</summary>
    internal const int MaxDepth = 32;

    /// <summary>The CAR-T record <paramref name="json"/> describes, or null when it describes none (or cannot be read).</summary>
    public static UnusableCarTRecord? TryFind(JsonElement json)
    {
        try
        {
            if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("resourceType", out var type) || type.ValueKind != JsonValueKind.String)
                return null;
            if (type.ValueEquals("MedicationAdministration"))
                return NamesProduct(json) ? new UnusableCarTRecord("MedicationAdministration", Start(json, "effective")) : null;
            if (type.ValueEquals("Procedure"))
                return SaysCarTInfusion(json) ? new UnusableCarTRecord("Procedure", Start(json, "performed")) : null;
            return null;
        }
#pragma warning disable CA1031 // A refused resource's JSON must never fail the request: it is then simply not recognised as CAR-T.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private static bool NamesProduct(JsonElement json)
    {
        var strings = new List<string>();
        var ndcs = new List<string>();
        foreach (var member in json.EnumerateObject())
        {
            if (member.NameEquals("contained") || member.Name.StartsWith("medication", StringComparison.Ordinal))
                Collect(member.Value, strings, ndcs, 0);
        }
        return ndcs.Any(n => CarTProductCodes.TryMatchNdc(n, out _))
            || strings.Any(s => CarTProductCodes.TryMatchName(s, out _) || CarTProductCodes.MentionsCarT(s));
    }

    private static bool SaysCarTInfusion(JsonElement json)
    {
        if (!json.TryGetProperty("code", out var code)) return false;
        var strings = new List<string>();
        Collect(code, strings, [], 0);
        return CarTProductCodes.TryMatchInfusionProcedure(string.Join(" | ", strings), out _);
    }

    private static void Collect(JsonElement element, List<string> strings, List<string> ndcs, int depth)
    {
        if (depth > MaxDepth || strings.Count >= MaxStrings) return;
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                if (TryString(element) is { } s) strings.Add(s);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) Collect(item, strings, ndcs, depth + 1);
                break;
            case JsonValueKind.Object:
                if (element.TryGetProperty("system", out var system) && system.ValueKind == JsonValueKind.String && system.ValueEquals(CodeSystems.Ndc)
                    && element.TryGetProperty("code", out var code) && TryString(code) is { } ndc)
                    ndcs.Add(ndc);
                foreach (var member in element.EnumerateObject()) Collect(member.Value, strings, ndcs, depth + 1);
                break;
        }
    }

    private static DateTimeOffset? Start(JsonElement json, string choice)
    {
        string? literal = null;
        if (json.TryGetProperty(choice + "DateTime", out var dateTime)) literal = TryString(dateTime);
        else if (json.TryGetProperty(choice + "Period", out var period) && period.ValueKind == JsonValueKind.Object && period.TryGetProperty("start", out var start))
            literal = TryString(start);
        var t = FhirTime.Parse(literal);
        return t.Precision switch
        {
            TimePrecision.Instant => t.Earliest,
            TimePrecision.Day or TimePrecision.TimeWithoutZone => new DateTimeOffset(t.Earliest.UtcDateTime.Date, TimeSpan.Zero),
            _ => null,
        };
    }

    /// <summary>A string's value; null for a non-string or text that is not Unicode (an escaped unpaired surrogate).</summary>
    private static string? TryString(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String) return null;
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }
}
