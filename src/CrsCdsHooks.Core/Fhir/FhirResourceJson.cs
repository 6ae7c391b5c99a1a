using System.Runtime.InteropServices;
using System.Text.Json;

using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Utility;

namespace CrsCdsHooks.Core.Fhir;

/// <summary>
/// Turns FHIR R4 JSON into Firely resources one at a time, so that one bad resource costs only itself
/// and is reported as a <see cref="DataIssue"/> instead of sinking the request.
/// </summary>
/// <remarks>
/// <para>Rule for resources Firely reads with errors: Firely's <see cref="FhirJsonDeserializer"/> reports
/// every error with its instance path and still returns the partial resource. When an error touches an
/// element the reader relies on — the subject/patient, the status (also clinicalStatus, verificationStatus),
/// effective/performed/onset time or recordedDate, the value or a component, the code or category,
/// interpretation or referenceRange, the medication or dosage (also contained resources and ingredients),
/// or birthDate — the resource is not used (<see cref="DataIssueReasons.NotValidFhir"/>, the first such
/// error in the detail, with the literals it quotes removed): a half-read clinical fact is worse than a reported gap. Errors elsewhere (an
/// unknown element, a bad narrative, a note with a number for text, an empty id) do not affect what is read:
/// the elements they name are removed (Firely's typed getters throw on an element of the wrong type or
/// cardinality, so the partial resource is made safe to read) and the resource is used without an issue.
/// An unknown resource type or JSON that is not a resource is never used, nor a resource whose broken
/// elements cannot be located. A refused MedicationAdministration or Procedure that records a CAR-T infusion says so on
/// its issue (<see cref="DataIssue.CarTRecord"/>, found in the raw JSON by <see cref="CarTRecordJson"/>).</para>
/// <para>A Bundle is read entry by entry (an entry's errors cost only that entry; its issue names the
/// entry): the returned Bundle keeps id, type, total and links, and the entries whose resources were usable.</para>
/// <para>Speed: the deserializer reads straight from the element's UTF-8 bytes
/// (<see cref="JsonMarshal.GetRawUtf8Value"/>): no re-serialisation to a string.</para>
/// </remarks>
public static partial class FhirResourceJson
{
    [System.Text.RegularExpressions.GeneratedRegex("'[^']*'", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex QuotedLiteral();

    private static readonly FhirJsonDeserializer Deserializer = new();

    private static readonly HashSet<string> CriticalElements = new(StringComparer.Ordinal)
    {
        "subject", "patient", "status", "clinicalStatus", "verificationStatus", "recordedDate", "code", "category",
        "component", "interpretation", "referenceRange", "dosage", "contained", "ingredient", "birthDate", "resourceType",
    };

    // Choice elements ([x]) are reported by their base name ("Observation.value", "Observation.effective").
    private static readonly string[] CriticalPrefixes = ["value", "effective", "performed", "onset", "medication"];

    /// <summary>
    /// Reads one resource. Returns null (with <paramref name="issue"/> set) when it cannot be used; for a
    /// Bundle, <paramref name="issue"/> is the first entry's issue (use the overload with a collection to
    /// keep them all).
    /// </summary>
    /// <param name="json">The resource's JSON object.</param>
    /// <param name="location">Where it was found, used as the issue's resource when it has no id ("prefetch/vitalSigns/entry[3]").</param>
    /// <param name="issue">Why it was not used (null when it is used).</param>
    public static Resource? TryRead(JsonElement json, string location, out DataIssue? issue)
    {
        var issues = new List<DataIssue>(1);
        var resource = TryRead(json, location, issues);
        issue = issues.Count > 0 ? issues[0] : null;
        return resource;
    }

    /// <summary>
    /// Reads one resource, or a Bundle entry by entry, adding every reason something was not used to
    /// <paramref name="issues"/>. Returns null when the resource (or the Bundle itself) cannot be used.
    /// </summary>
    /// <param name="json">The resource's JSON object.</param>
    /// <param name="location">Where it was found ("prefetch/vitalSigns"); entries are named "{location}/entry[i]" when they have no id.</param>
    /// <param name="issues">Receives the issues.</param>
    public static Resource? TryRead(JsonElement json, string location, ICollection<DataIssue> issues)
    {
        ArgumentNullException.ThrowIfNull(issues);
        if (json.ValueKind != JsonValueKind.Object)
        {
            issues.Add(new DataIssue(location, DataIssueReasons.NotValidFhir, $"expected a JSON object, found {json.ValueKind}"));
            return null;
        }
        if (IsBundle(json))
            return ReadBundle(json, location, issues);
        return ReadOne(json, location, issues);
    }

    /// <summary>"Type/id" from the raw JSON when both are strings, else the location.</summary>
    public static string DescribeRaw(JsonElement json, string location) =>
        String(json, "resourceType") is { } type && String(json, "id") is { } id ? $"{type}/{id}" : location;

    /// <summary>True when an error at <paramref name="instancePath"/> makes the resource unusable (see the remarks).</summary>
    internal static bool IsCritical(string? instancePath)
    {
        if (string.IsNullOrEmpty(instancePath) || instancePath == "$this") return true;
        var segments = instancePath.Split('.');
        for (var i = 1; i < segments.Length; i++)
        {
            var segment = segments[i];
            var bracket = segment.IndexOf('[', StringComparison.Ordinal);
            if (bracket >= 0) segment = segment[..bracket];
            if (CriticalElements.Contains(segment)) return true;
            foreach (var prefix in CriticalPrefixes)
            {
                if (segment.StartsWith(prefix, StringComparison.Ordinal)) return true;
            }
        }
        return segments.Length == 1; // an error on the resource itself
    }

    private static Resource? ReadOne(JsonElement json, string location, ICollection<DataIssue> issues)
    {
        if (ReadClean(json) is { } clean) return clean;
        var name = DescribeRaw(json, location);
        try
        {
            var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(json));
            if (Deserializer.TryDeserializeResource(ref reader, out var resource, out var errors))
                return resource;
            if (resource is null or DynamicResource)
            {
                issues.Add(Refused(json, name, errors.FirstOrDefault()?.Message ?? "not a FHIR R4 resource"));
                return null;
            }
            var errorList = errors.ToList();
            var critical = errorList.FirstOrDefault(e => IsCritical(InstancePath(e)));
            if (critical is null && TryRemoveBroken(resource, errorList.Select(InstancePath))) return resource;
            issues.Add(Refused(json, name, (critical ?? errorList[0]).Message));
            return null;
        }
#pragma warning disable CA1031 // The hot path must never throw on a client's JSON: any failure is "not valid FHIR".
        catch (Exception ex)
#pragma warning restore CA1031
        {
            issues.Add(Refused(json, name, ex.Message));
            return null;
        }
    }

    /// <summary>
    /// The not-valid-fhir issue of a refused resource, saying when it records a CAR-T infusion (found in its raw JSON,
    /// <see cref="CarTRecordJson"/>): a treated patient must not look untreated because the infusion record is broken.
    /// </summary>
    private static DataIssue Refused(JsonElement json, string name, string message) =>
        new(name, DataIssueReasons.NotValidFhir, Truncate(message)) { CarTRecord = CarTRecordJson.TryFind(json) };

    /// <summary>
    /// The fast path (<see cref="CleanResourceJson"/>): the resource when its JSON lies inside the subset strict Firely
    /// accepts without error, else null (the strict path decides). Debug builds — every test run — also read the
    /// resource with the strict deserializer and fail loudly if it reports an error or builds anything different.
    /// </summary>
    private static Resource? ReadClean(JsonElement json)
    {
        Resource? clean;
        try
        {
            clean = CleanResourceJson.TryRead(json);
        }
#pragma warning disable CA1031 // The fast path never decides anything on its own: whatever goes wrong there, strict Firely reads the resource.
        catch (Exception)
#pragma warning restore CA1031
        {
            clean = null;
        }
#if DEBUG
        if (clean is not null) VerifyClean(json, clean);
#endif
        return clean;
    }

#if DEBUG
    private static void VerifyClean(JsonElement json, Resource clean)
    {
        var reader = new Utf8JsonReader(JsonMarshal.GetRawUtf8Value(json));
        var strictClean = Deserializer.TryDeserializeResource(ref reader, out var strict, out var errors);
        if (!strictClean)
            throw new InvalidOperationException($"CleanResourceJson accepted a resource that strict Firely rejects: {string.Join(" | ", errors.Select(e => e.Message))}");
        if (!FirelyEquivalence.AreIdentical(strict, clean, out var difference))
            throw new InvalidOperationException($"CleanResourceJson built a different resource than strict Firely: {difference}");
    }
#endif

    /// <summary>
    /// Removes every element an error names, so that the resource Firely returned is safe to read (its typed
    /// getters throw on an element holding the wrong type or cardinality). False when a path cannot be
    /// followed: the resource is then not used.
    /// </summary>
    private static bool TryRemoveBroken(Resource resource, IEnumerable<string?> paths)
    {
        var touched = new List<System.Collections.IList>();
        foreach (var path in paths.Distinct(StringComparer.Ordinal))
        {
            if (string.IsNullOrEmpty(path)) return false;
            var segments = path.Split('.');
            Base current = resource;
            for (var i = 1; i < segments.Length; i++)
            {
                var (key, index) = Segment(segments[i]);
                if (!current.TryGetValue(key, out var value) || value is null) break; // already absent (e.g. an unknown element)
                var last = i == segments.Length - 1;
                if (value is System.Collections.IList list)
                {
                    if (index is null || index >= list.Count)
                    {
                        if (last || index is null) { current.SetValue(key, null); break; }
                        return false;
                    }
                    if (last) { list[index.Value] = null; touched.Add(list); break; }
                    if (list[index.Value] is not Base item) return false;
                    current = item;
                }
                else if (last || value is not Base child)
                {
                    current.SetValue(key, null);
                    break;
                }
                else
                {
                    current = child;
                }
            }
        }
        foreach (var list in touched)
        {
            for (var i = list.Count - 1; i >= 0; i--)
            {
                if (list[i] is null) list.RemoveAt(i);
            }
        }
        return true;
    }

    private static (string Key, int? Index) Segment(string segment)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0 || !segment.EndsWith(']')) return (segment, null);
        return int.TryParse(segment.AsSpan(bracket + 1, segment.Length - bracket - 2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var i)
            ? (segment[..bracket], i)
            : (segment[..bracket], null);
    }

    private static Bundle ReadBundle(JsonElement json, string location, ICollection<DataIssue> issues)
    {
        var bundle = new Bundle();
        if (String(json, "id") is { } id) bundle.Id = id;
        if (String(json, "type") is { } type && EnumUtility.ParseLiteral<Bundle.BundleType>(type) is { } bundleType) bundle.Type = bundleType;
        else issues.Add(new DataIssue(DescribeRaw(json, location), DataIssueReasons.NotValidFhir, "a Bundle without a valid type (required); its entries are read"));
        if (json.TryGetProperty("total", out var total) && total.ValueKind == JsonValueKind.Number && total.TryGetInt32(out var count) && count >= 0)
            bundle.Total = count;
        if (json.TryGetProperty("link", out var links) && links.ValueKind == JsonValueKind.Array)
        {
            foreach (var link in links.EnumerateArray())
            {
                if (String(link, "relation") is { } relation && String(link, "url") is { } url)
                    bundle.Link.Add(new Bundle.LinkComponent { Relation = relation, Url = url });
            }
        }
        if (!json.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array) return bundle;

        var index = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            var entryLocation = $"{location}/entry[{index++}]";
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("resource", out var resourceJson) || resourceJson.ValueKind == JsonValueKind.Null)
            {
                issues.Add(new DataIssue(entryLocation, DataIssueReasons.NotValidFhir, "an entry without a resource"));
                continue;
            }
            var resource = TryRead(resourceJson, entryLocation, issues);
            if (resource is null) continue;
            var component = new Bundle.EntryComponent { Resource = resource };
            if (String(entry, "fullUrl") is { } fullUrl) component.FullUrl = fullUrl;
            bundle.Entry.Add(component);
        }
        return bundle;
    }

    private static string? InstancePath(Exception error) => error switch
    {
        Hl7.Fhir.Validation.CodedValidationException v => v.InstancePath,
        FhirJsonException j => j.InstancePath,
        _ => null,
    };

    /// <summary>
    /// A string member, or null. Also null for text that is not Unicode (an escaped unpaired surrogate such as
    /// "\uD800" in the value or in any member name, which System.Text.Json refuses with an exception): this reader
    /// never throws.
    /// </summary>
    private static string? String(JsonElement json, string property)
    {
        try
        {
            return json.ValueKind == JsonValueKind.Object && json.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool IsBundle(JsonElement json)
    {
        try
        {
            return json.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String && type.ValueEquals("Bundle");
        }
        catch (InvalidOperationException)
        {
            return false; // text that is not Unicode (see String): read as a resource, which reports it
        }
    }

    /// <summary>Firely's message without the literals it quotes (they may be free text: no PHI in details), cut to 200 characters.</summary>
    private static string Truncate(string s)
    {
        s = QuotedLiteral().Replace(s, "'…'");
        return s.Length <= 200 ? s : s[..200] + "…";
    }
}
