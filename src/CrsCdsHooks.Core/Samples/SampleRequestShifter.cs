using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CrsCdsHooks.Core.Samples;

/// <summary>
/// Moves a sample hook request in time. Every sample in fhir-samples/ is written as if the request were
/// made at <see cref="Anchor"/>; shifting moves every FHIR date, dateTime and instant by the same amount
/// (whole days for dates), so Swagger examples and README commands never go stale. Partial dates (a year,
/// a year-month), strings that only look like dates ("2025-02-30") and every other string are left as written;
/// the written precision (minutes, seconds, fraction digits) and time zone are kept.
/// </summary>
public static partial class SampleRequestShifter
{
    /// <summary>The moment every sample is written for (the samples' asOf): 2025-06-15T12:00:00Z.</summary>
    public static readonly DateTimeOffset Anchor = new(2025, 6, 15, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Returns the request JSON with every date moved by <paramref name="asOf"/> − <see cref="Anchor"/>.</summary>
    public static string Shift(string requestJson, DateTimeOffset asOf)
    {
        var node = JsonNode.Parse(requestJson) ?? throw new JsonException("empty sample");
        var offset = asOf - Anchor;
        if (node is JsonValue root && root.TryGetValue<string>(out var text))
            node = JsonValue.Create(ShiftText(text, offset));
        else
            ShiftInPlace(node, offset);
        return node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    // One pass over the tree, replacing only the strings that change (a sample holds thousands of nodes).
    private static void ShiftInPlace(JsonNode node, TimeSpan offset)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var key in obj.Select(p => p.Key).ToList())
                {
                    if (obj[key] is not { } child) continue;
                    if (TryShift(child, offset, out var moved)) obj[key] = moved;
                    else ShiftInPlace(child, offset);
                }
                break;
            case JsonArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    if (arr[i] is not { } child) continue;
                    if (TryShift(child, offset, out var moved)) arr[i] = moved;
                    else ShiftInPlace(child, offset);
                }
                break;
        }
    }

    private static bool TryShift(JsonNode node, TimeSpan offset, out JsonNode? moved)
    {
        moved = null;
        if (node is not JsonValue value || !value.TryGetValue<string>(out var text)) return false;
        var shifted = ShiftText(text, offset);
        if (string.Equals(shifted, text, StringComparison.Ordinal)) return false;
        moved = JsonValue.Create(shifted);
        return true;
    }

    /// <summary>Shifts one FHIR date/dateTime/instant string; any other text is returned unchanged.</summary>
    public static string ShiftText(string text, TimeSpan offset)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (DateOnlyPattern().IsMatch(text))
        {
            // A string shaped like a date but not a calendar day ("2025-02-30") is not a date: leave it.
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) return text;
            return d.AddDays((int)Math.Floor(offset.TotalDays)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        }
        var m = DateTimePattern().Match(text);
        if (!m.Success) return text;
        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t)) return text;
        var moved = t + offset;
        // Keep the precision as written: as many fraction digits as the source had (up to the 7 .NET keeps).
        var fractionDigits = m.Groups["frac"].Success ? Math.Min(m.Groups["frac"].Value.Length - 1, 7) : 0;
        var format = fractionDigits > 0 ? "yyyy-MM-dd'T'HH:mm:ss." + new string('f', fractionDigits)
            : m.Groups["sec"].Success ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm";
        var zone = m.Groups["zone"].Value;
        return zone == "Z"
            ? moved.UtcDateTime.ToString(format, CultureInfo.InvariantCulture) + "Z"
            : moved.ToString(format, CultureInfo.InvariantCulture) + zone;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex DateOnlyPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?<sec>:\d{2}(?<frac>\.\d+)?)?(?<zone>Z|[+-]\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex DateTimePattern();
}
