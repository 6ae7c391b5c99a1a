using System.Text.Json.Nodes;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>Hook requests and FHIR JSON for tests (synthetic data only).</summary>
public static class HookRequests
{
    public const string PatientId = "cart-patient-1";
    public const string HookInstance = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea";
    public const string AccessToken = "test-access-token-9f8e7d";

    /// <summary>A complete patient-view request: every prefetch key present (patient, one temperature, one CAR-T infusion, empty others).</summary>
    public static JsonObject PatientView(string? fhirServer = null, string? accessToken = null)
    {
        var request = new JsonObject
        {
            ["hook"] = "patient-view",
            ["hookInstance"] = HookInstance,
            ["context"] = new JsonObject { ["userId"] = "Practitioner/oncologist-1", ["patientId"] = PatientId },
            ["prefetch"] = new JsonObject
            {
                ["patient"] = Patient(),
                ["vitalSigns"] = Bundle(Temperature("temp-1")),
                ["laboratory"] = Bundle(),
                ["medicationAdministrations"] = Bundle(CarTInfusion("cart-1")),
                ["procedures"] = Bundle(),
                ["conditions"] = Bundle(),
                ["allergies"] = Bundle(),
            },
        };
        if (fhirServer is not null) request["fhirServer"] = fhirServer;
        if (accessToken is not null) request["fhirAuthorization"] = Authorization(accessToken);
        return request;
    }

    /// <summary>A fhirAuthorization with this access token (which joins the run's leak guard: no log line may hold it).</summary>
    public static JsonObject Authorization(string token = AccessToken) => new()
    {
        ["access_token"] = Registered(token),
        ["token_type"] = "Bearer",
        ["expires_in"] = 300,
        ["scope"] = "patient/*.read",
        ["subject"] = "crs-cds-hooks",
    };

    private static string Registered(string token)
    {
        LeakGuard.RegisterSecret(token, "an access token");
        return token;
    }

    public static JsonObject Prefetch(this JsonObject request) => request["prefetch"]!.AsObject();

    public static JsonObject WithoutPrefetch(this JsonObject request, params string[] keys)
    {
        foreach (var key in keys) request.Prefetch().Remove(key);
        return request;
    }

    public static JsonObject Patient(string id = PatientId) => new() { ["resourceType"] = "Patient", ["id"] = id, ["birthDate"] = "1970-01-01" };

    public static JsonObject Temperature(string id, string patientId = PatientId) => new()
    {
        ["resourceType"] = "Observation",
        ["id"] = id,
        ["status"] = "final",
        ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://loinc.org", ["code"] = "8310-5" }) },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        ["effectiveDateTime"] = "2025-06-15T10:00:00Z",
        ["valueQuantity"] = new JsonObject { ["value"] = 38.4, ["unit"] = "Cel", ["system"] = "http://unitsofmeasure.org", ["code"] = "Cel" },
    };

    public static JsonObject CarTInfusion(string id) => new()
    {
        ["resourceType"] = "MedicationAdministration",
        ["id"] = id,
        ["status"] = "completed",
        ["medicationCodeableConcept"] = new JsonObject { ["text"] = "tisagenlecleucel" },
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{PatientId}" },
        ["effectiveDateTime"] = "2025-06-12T09:00:00Z",
    };

    public static JsonObject OperationOutcome(string severity = "error") => new()
    {
        ["resourceType"] = "OperationOutcome",
        ["issue"] = new JsonArray(new JsonObject { ["severity"] = severity, ["code"] = "exception" }),
    };

    public static JsonObject Bundle(params JsonObject[] resources) => BundleWithNext(null, resources);

    public static JsonObject BundleWithNext(string? next, params JsonObject[] resources)
    {
        var bundle = new JsonObject { ["resourceType"] = "Bundle", ["type"] = "searchset", ["total"] = resources.Length };
        if (resources.Length > 0)
            bundle["entry"] = new JsonArray(resources.Select(r => (JsonNode)new JsonObject { ["resource"] = r, ["search"] = new JsonObject { ["mode"] = "match" } }).ToArray());
        if (next is not null)
            bundle["link"] = new JsonArray(new JsonObject { ["relation"] = "next", ["url"] = next });
        return bundle;
    }

    /// <summary>The ids of the resources the host passed to the core.</summary>
    public static IReadOnlyList<string> ResourceIds(this CrsCdsHooks.Core.PatientViewInput input) =>
        input.Resources.Select(r => $"{r.TypeName}/{r.Id}").ToList();
}
