using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CrsCdsHooks.Core.CdsHooks;

// CDS Hooks 2.0 wire records (cds-hooks.hl7.org/2.0). Our own small records rather than Firely's
// experimental Hl7.Fhir.Model.CdsHooks types: we control the JSON rules of CDS-HOOKS.md exactly (optional
// members omitted, never null/""/[]/{}; "cards": [] kept) and the types stay stable across SDK updates.
// Builders must pass null, never an empty list, for an optional collection.

/// <summary>Response of a service call: <c>{"cards": [...]}</c> (empty array = no guidance).</summary>
/// <param name="Cards">The cards; never null.</param>
public sealed record CdsServiceResponse(IReadOnlyList<CdsCard> Cards)
{
    /// <summary>No guidance.</summary>
    public static CdsServiceResponse Empty { get; } = new([]);
}

/// <summary>A CDS Hooks card.</summary>
public sealed record CdsCard
{
    /// <summary>Unique id (feedback refers to it).</summary>
    public required string Uuid { get; init; }
    /// <summary>One line, &lt; 140 characters.</summary>
    public required string Summary { get; init; }
    /// <summary>GitHub-flavoured markdown.</summary>
    public string? Detail { get; init; }
    /// <summary>info | warning | critical.</summary>
    public required string Indicator { get; init; }
    /// <summary>Where the guidance comes from.</summary>
    public required CdsSource Source { get; init; }
    /// <summary>Actions a clinician can accept.</summary>
    public IReadOnlyList<CdsSuggestion>? Suggestions { get; init; }
    /// <summary>"any" whenever there are suggestions.</summary>
    public string? SelectionBehavior { get; init; }
    /// <summary>Reasons a clinician may give for overriding the card.</summary>
    public IReadOnlyList<CdsCoding>? OverrideReasons { get; init; }
    /// <summary>Links (absolute: the criteria papers; smart: apps).</summary>
    public IReadOnlyList<CdsLink>? Links { get; init; }
    /// <summary>Extensions; ours: "crsCdsHooks.assessment".</summary>
    public IReadOnlyDictionary<string, object>? Extension { get; init; }
}

/// <summary>Card source.</summary>
/// <param name="Label">Names the criteria.</param>
/// <param name="Url">The paper's DOI link.</param>
/// <param name="Topic">Optional topic coding.</param>
public sealed record CdsSource(string Label, string? Url = null, CdsCoding? Topic = null);

/// <summary>A coding (overrideReasons, topic).</summary>
/// <param name="Code">The code.</param>
/// <param name="System">The code system URI.</param>
/// <param name="Display">The text shown (required for overrideReasons).</param>
public sealed record CdsCoding(string Code, string? System = null, string? Display = null);

/// <summary>A suggestion: a set of actions accepted together.</summary>
public sealed record CdsSuggestion
{
    /// <summary>What the clinician sees.</summary>
    public required string Label { get; init; }
    /// <summary>Unique id (feedback's acceptedSuggestions refers to it).</summary>
    public required string Uuid { get; init; }
    /// <summary>Whether the service recommends this one.</summary>
    public bool? IsRecommended { get; init; }
    /// <summary>The actions.</summary>
    public IReadOnlyList<CdsAction>? Actions { get; init; }
}

/// <summary>An action: create/update/delete a FHIR resource.</summary>
public sealed record CdsAction
{
    /// <summary>create | update | delete.</summary>
    public required string Type { get; init; }
    /// <summary>What the action does.</summary>
    public required string Description { get; init; }
    /// <summary>The FHIR resource (JSON, serialized with Firely), for create/update.</summary>
    public JsonNode? Resource { get; init; }
    /// <summary>For delete: "ResourceType/id".</summary>
    public string? ResourceId { get; init; }
}

/// <summary>A link.</summary>
/// <param name="Label">What the clinician sees.</param>
/// <param name="Url">The URL.</param>
/// <param name="Type">absolute | smart.</param>
/// <param name="AppContext">For smart links.</param>
public sealed record CdsLink(string Label, string Url, string Type, string? AppContext = null);

/// <summary>The JSON options of the wire: camelCase, nulls omitted.</summary>
public static class CdsJson
{
    /// <summary>Serializer options for every CDS Hooks body.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            // The body is JSON for an EHR, never inlined in HTML: keep °, →, ≥, + and quotes readable (and small)
            // instead of \u-escaping them. Markdown text from records is escaped by the card builders.
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }
}
