using System.Text.Json;
using CrsCdsHooks.Core.Timeline;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Turns FHIR R4 JSON into Firely resources one at a time, so that one bad resource costs only itself
/// and is reported as a <see cref="DataIssue"/> instead of sinking the request.
/// </summary>
public static class FhirResourceJson
{
    private static readonly FhirJsonDeserializer Strict = new();

    /// <summary>
    /// Reads one resource. Returns null (with <paramref name="issue"/> set) when it cannot be used.
    /// </summary>
    /// <param name="json">The resource's JSON object.</param>
    /// <param name="location">Where it was found, used as the issue's resource when it has no id ("prefetch/vitalSigns/entry[3]").</param>
    /// <param name="issue">Why it was not used, or a note on elements that were dropped.</param>
    public static Resource? TryRead(JsonElement json, string location, out DataIssue? issue)
    {
        issue = null;
        if (json.ValueKind != JsonValueKind.Object)
        {
            issue = new DataIssue(location, DataIssueReasons.NotValidFhir, $"expected a JSON object, found {json.ValueKind}");
            return null;
        }

        var name = DescribeRaw(json, location);
        try
        {
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json.GetRawText()));
            if (Strict.TryDeserializeResource(ref reader, out var resource, out var errors))
                return resource;
            var first = errors.FirstOrDefault()?.Message ?? "invalid";
            issue = new DataIssue(name, DataIssueReasons.NotValidFhir, Truncate(first));
            return null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or ArgumentException or DeserializationFailedException)
        {
            issue = new DataIssue(name, DataIssueReasons.NotValidFhir, Truncate(ex.Message));
            return null;
        }
    }

    /// <summary>"Type/id" from the raw JSON when both are strings, else the location.</summary>
    public static string DescribeRaw(JsonElement json, string location)
    {
        if (json.ValueKind == JsonValueKind.Object
            && json.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String
            && json.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            return $"{t.GetString()}/{id.GetString()}";
        return location;
    }

    private static string Truncate(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
