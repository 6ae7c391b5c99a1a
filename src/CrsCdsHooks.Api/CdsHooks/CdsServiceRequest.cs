using System.Text.Json;
using System.Text.Json.Serialization;

namespace CrsCdsHooks.Api.CdsHooks;

/// <summary>
/// A CDS Hooks 2.0 service request (the body of <c>POST /cds-services/{id}</c>). Unknown members and extra
/// context fields are ignored, never rejected.
/// </summary>
public sealed record CdsServiceRequest
{
    /// <summary>The hook that triggered the call; must equal the service's hook (<c>patient-view</c>).</summary>
    /// <example>patient-view</example>
    public required string Hook { get; init; }

    /// <summary>A UUID for this hook call, used as the correlation id of errors and logs.</summary>
    /// <example>d1577c69-dfbe-44ad-ba6d-3e05e953b2ea</example>
    public required string HookInstance { get; init; }

    /// <summary>
    /// Base URL of the EHR's FHIR server, queried for data the EHR did not prefetch. Required when
    /// <c>fhirAuthorization</c> is present; must be an allowed server.
    /// </summary>
    /// <example>https://fhir.example.org/r4</example>
    public string? FhirServer { get; init; }

    /// <summary>The OAuth 2.0 bearer token the service uses against <c>fhirServer</c>.</summary>
    public CdsFhirAuthorization? FhirAuthorization { get; init; }

    /// <summary>The patient-view context.</summary>
    public required CdsPatientViewContext Context { get; init; }

    /// <summary>
    /// Prefetched FHIR data per key of the discovery document: a searchset Bundle (or the Patient), <c>null</c>
    /// for "no data", or an OperationOutcome when the EHR's fetch failed. An absent key is queried on <c>fhirServer</c>.
    /// </summary>
    public IReadOnlyDictionary<string, JsonElement>? Prefetch { get; init; }

    /// <summary>Request extensions this service reads.</summary>
    public CdsRequestExtension? Extension { get; init; }
}

/// <summary>CDS Hooks 2.0 <c>fhirAuthorization</c>.</summary>
public sealed record CdsFhirAuthorization
{
    /// <summary>The access token (never logged).</summary>
    [JsonPropertyName("access_token")]
    public required string AccessToken { get; init; }

    /// <summary>Always <c>Bearer</c>.</summary>
    /// <example>Bearer</example>
    [JsonPropertyName("token_type")]
    public required string TokenType { get; init; }

    /// <summary>Lifetime of the token in seconds.</summary>
    /// <example>300</example>
    [JsonPropertyName("expires_in")]
    public required long ExpiresIn { get; init; }

    /// <summary>The granted scopes.</summary>
    /// <example>patient/Patient.read patient/Observation.read</example>
    [JsonPropertyName("scope")]
    public required string Scope { get; init; }

    /// <summary>The OAuth client id of the CDS service.</summary>
    /// <example>crs-cds-hooks</example>
    [JsonPropertyName("subject")]
    public required string Subject { get; init; }

    /// <summary>The patient the token is limited to, if any.</summary>
    [JsonPropertyName("patient")]
    public string? Patient { get; init; }
}

/// <summary>The <c>patient-view</c> hook context.</summary>
public sealed record CdsPatientViewContext
{
    /// <summary>The user, as <c>Practitioner/id</c>, <c>PractitionerRole/id</c>, <c>Patient/id</c> or <c>RelatedPerson/id</c>.</summary>
    /// <example>Practitioner/example</example>
    public required string UserId { get; init; }

    /// <summary>The FHIR id of the patient in view.</summary>
    /// <example>crs-patient-1</example>
    public required string PatientId { get; init; }

    /// <summary>The encounter, if any (not used).</summary>
    public string? EncounterId { get; init; }
}

/// <summary>Extensions of the request that this service reads.</summary>
public sealed record CdsRequestExtension
{
    /// <summary>
    /// Overrides the configured primary grading system for this call: <c>astct2019</c>, <c>lee2014</c> or
    /// <c>ctcae5</c>. The other systems are shown beside it as always.
    /// </summary>
    /// <example>lee2014</example>
    [JsonPropertyName(CdsServiceRequestReader.PrimarySystemExtension)]
    public string? PrimarySystem { get; init; }
}
