using System.Text.Json;
using System.Text.RegularExpressions;

using CrsCdsHooks.Core.Grading;

namespace CrsCdsHooks.Api.CdsHooks;

/// <summary>
/// Reads and validates a hook request from parsed JSON. Every problem is reported as a sentence that says what
/// to fix; unknown members are ignored (CDS-HOOKS.md "Request handling").
/// </summary>
internal static partial class CdsServiceRequestReader
{
    /// <summary>The request extension that overrides the primary grading system.</summary>
    public const string PrimarySystemExtension = "crsCdsHooks.primarySystem";

    /// <summary>The user resource types patient-view allows in <c>context.userId</c>.</summary>
    private static readonly string[] UserTypes = ["Practitioner", "PractitionerRole", "Patient", "RelatedPerson"];

    public static CdsServiceRequest? TryRead(JsonElement root, CdsServiceDescriptor service, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"The body must be a JSON object (a CDS Hooks request), not {Describe(root.ValueKind)}.");
            return null;
        }

        var hook = ReadString(root, "hook");
        if (hook is null)
            errors.Add($"hook is required: send \"{service.Hook}\" for service {service.Id}.");
        else if (!string.Equals(hook, service.Hook, StringComparison.Ordinal))
            errors.Add($"hook \"{Clip(hook)}\" does not match service {service.Id}: send \"{service.Hook}\".");

        var hookInstance = ReadString(root, "hookInstance");
        if (hookInstance is null || !Guid.TryParseExact(hookInstance, "D", out _))
            errors.Add("hookInstance is required and must be a UUID such as d1577c69-dfbe-44ad-ba6d-3e05e953b2ea.");

        var context = ReadContext(root, errors);
        var fhirServer = ReadFhirServer(root, errors);
        var authorization = ReadAuthorization(root, errors);
        if (IsPresent(root, "fhirAuthorization") && !IsPresent(root, "fhirServer"))
            errors.Add("fhirServer is required when fhirAuthorization is present: send the FHIR base URL the token is for.");
        var prefetch = ReadPrefetch(root, errors);
        var extension = ReadExtension(root, errors);

        if (errors.Count > 0) return null;
        return new CdsServiceRequest
        {
            Hook = hook!,
            HookInstance = hookInstance!.ToLowerInvariant(),
            FhirServer = fhirServer,
            FhirAuthorization = authorization,
            Context = context!,
            Prefetch = prefetch,
            Extension = extension,
        };
    }

    /// <summary>The wire name of a grading system (<c>astct2019</c>, <c>lee2014</c>, <c>ctcae5</c>).</summary>
    public static string WireName(GradingSystem system) => system switch
    {
        GradingSystem.Astct2019 => "astct2019",
        GradingSystem.Lee2014 => "lee2014",
        GradingSystem.CtcaeV5 => "ctcae5",
        _ => system.ToString().ToLowerInvariant(),
    };

    /// <summary>Reads a grading system from its wire name (case-insensitive).</summary>
    public static bool TryParseSystem(string? text, out GradingSystem system)
    {
        foreach (var candidate in Enum.GetValues<GradingSystem>())
        {
            if (string.Equals(WireName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                system = candidate;
                return true;
            }
        }
        system = default;
        return false;
    }

    /// <summary>How many resources the prefetch carries (a Bundle counts its entries, and a Bundle inside one its own).</summary>
    public static int CountPrefetchResources(CdsServiceRequest request)
    {
        var count = 0;
        foreach (var value in request.Prefetch?.Values ?? [])
        {
            if (value.ValueKind == JsonValueKind.Object) count += CountResources(value);
        }
        return count;
    }

    /// <summary>
    /// The resources one JSON value stands for: 1, or for a Bundle the resources of its entries (an entry without one
    /// counts 1; an empty Bundle 1), nested Bundles included as deep as the core reads them, so none can hide resources
    /// from the limits.
    /// </summary>
    public static int CountResources(JsonElement value, int depth = 0)
    {
        // resourceType first: it is usually a resource's first member, so most resources are answered at once.
        if (depth > 4 || value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("resourceType"u8, out var type) || type.ValueKind != JsonValueKind.String || !type.ValueEquals("Bundle"u8)
            || !value.TryGetProperty("entry"u8, out var entries) || entries.ValueKind != JsonValueKind.Array)
            return 1;
        var count = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            count = checked(count + (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty("resource", out var resource)
                ? CountResources(resource, depth + 1)
                : 1));
        }
        return Math.Max(1, count); // an empty Bundle still costs a read: never free, or a million of them would be
    }

    private static CdsPatientViewContext? ReadContext(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            errors.Add("context is required: an object with patientId and userId.");
            return null;
        }
        var patientId = ReadString(context, "patientId");
        if (patientId is null || !FhirId().IsMatch(patientId))
            errors.Add("context.patientId is required: the FHIR id of the patient (1–64 letters, digits, '-' or '.').");

        var userId = ReadString(context, "userId");
        var user = userId is null ? null : UserReference().Match(userId);
        if (user is null || !user.Success || !UserTypes.Contains(user.Groups["type"].Value, StringComparer.Ordinal))
            errors.Add("context.userId is required as ResourceType/id, with ResourceType Practitioner, PractitionerRole, Patient or RelatedPerson (e.g. Practitioner/123).");

        var encounterId = ReadString(context, "encounterId");
        return patientId is null || userId is null ? null : new CdsPatientViewContext { PatientId = patientId, UserId = userId, EncounterId = encounterId };
    }

    private static string? ReadFhirServer(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("fhirServer", out var value) || value.ValueKind == JsonValueKind.Null) return null;
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null || !Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            errors.Add("fhirServer must be the absolute http(s) base URL of the FHIR server, without query, fragment or credentials.");
            return null;
        }
        return text;
    }

    private static CdsFhirAuthorization? ReadAuthorization(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("fhirAuthorization", out var auth) || auth.ValueKind == JsonValueKind.Null) return null;
        if (auth.ValueKind != JsonValueKind.Object)
        {
            errors.Add("fhirAuthorization must be an object with access_token, token_type, expires_in, scope and subject.");
            return null;
        }
        var before = errors.Count;
        var token = ReadString(auth, "access_token");
        if (string.IsNullOrWhiteSpace(token)) errors.Add("fhirAuthorization.access_token is required: the bearer token for fhirServer.");
        var type = ReadString(auth, "token_type");
        if (!string.Equals(type, "Bearer", StringComparison.OrdinalIgnoreCase)) errors.Add("fhirAuthorization.token_type is required and must be \"Bearer\".");
        long expiresIn = 0;
        if (!auth.TryGetProperty("expires_in", out var expires) || expires.ValueKind != JsonValueKind.Number || !expires.TryGetInt64(out expiresIn) || expiresIn < 0)
            errors.Add("fhirAuthorization.expires_in is required: the token's lifetime in whole seconds.");
        var scope = ReadString(auth, "scope");
        if (scope is null) errors.Add("fhirAuthorization.scope is required: the scopes granted to the token.");
        var subject = ReadString(auth, "subject");
        if (subject is null) errors.Add("fhirAuthorization.subject is required: the OAuth client id of this service.");
        var patient = ReadString(auth, "patient");
        if (auth.TryGetProperty("patient", out var p) && p.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            errors.Add("fhirAuthorization.patient must be a string (the patient the token is limited to).");
        if (errors.Count > before) return null;
        return new CdsFhirAuthorization { AccessToken = token!, TokenType = type!, ExpiresIn = expiresIn, Scope = scope!, Subject = subject!, Patient = patient };
    }

    private static Dictionary<string, JsonElement>? ReadPrefetch(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("prefetch", out var prefetch) || prefetch.ValueKind == JsonValueKind.Null) return null;
        if (prefetch.ValueKind != JsonValueKind.Object)
        {
            errors.Add("prefetch must be an object whose members are the prefetch keys of the discovery document.");
            return null;
        }
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var member in prefetch.EnumerateObject())
        {
            var known = CdsServiceCatalog.PatientViewPrefetch.Any(k => k.Key == member.Name);
            if (!known) continue; // unknown keys are ignored, never rejected
            var value = member.Value;
            if (value.ValueKind == JsonValueKind.Null
                || (value.ValueKind == JsonValueKind.Object && value.TryGetProperty("resourceType", out var rt) && rt.ValueKind == JsonValueKind.String))
                result[member.Name] = value;
            else
                errors.Add($"prefetch.{member.Name} must be a FHIR resource (a JSON object with resourceType, usually a searchset Bundle) or null.");
        }
        return result;
    }

    private static CdsRequestExtension? ReadExtension(JsonElement root, List<string> errors)
    {
        if (!root.TryGetProperty("extension", out var extension) || extension.ValueKind == JsonValueKind.Null) return null;
        if (extension.ValueKind != JsonValueKind.Object)
        {
            errors.Add("extension must be a JSON object.");
            return null;
        }
        if (!extension.TryGetProperty(PrimarySystemExtension, out var primary) || primary.ValueKind == JsonValueKind.Null)
            return null;
        var text = primary.ValueKind == JsonValueKind.String ? primary.GetString() : null;
        if (!TryParseSystem(text, out var system))
        {
            errors.Add($"extension.{PrimarySystemExtension} must be \"astct2019\", \"lee2014\" or \"ctcae5\".");
            return null;
        }
        return new CdsRequestExtension { PrimarySystem = WireName(system) };
    }

    private static bool IsPresent(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;

    private static string? ReadString(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "empty",
    };

    [GeneratedRegex(@"^[A-Za-z0-9\-\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex FhirId();

    [GeneratedRegex(@"^(?<type>[A-Z][A-Za-z]+)/(?<id>[A-Za-z0-9\-\.]{1,64})$", RegexOptions.CultureInvariant)]
    private static partial Regex UserReference();
}
