using System.ComponentModel.DataAnnotations;

namespace CrsCdsHooks.Api.Options;

/// <summary>
/// How the service queries the request's <c>fhirServer</c> for data the EHR did not prefetch
/// (configuration section <c>CdsHooks:Fhir</c>; CDS-HOOKS.md "FHIR server queries").
/// </summary>
public sealed class FhirServerOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:Fhir";

    /// <summary>
    /// When true any http(s) <c>fhirServer</c> is called (Development default). When false only the base URLs
    /// listed under <c>CdsHooks:Auth:Clients:N:FhirServers:M</c> are (SSRF protection); others → 403.
    /// </summary>
    public bool AllowAnyServer { get; set; }

    /// <summary>Timeout of one HTTP attempt (default 1 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00", ErrorMessage = "CdsHooks:Fhir:Timeout must be between {1} and {2}.")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// One overall budget for every FHIR query of a hook call, retries and paging included (default 2.5 s),
    /// so the hook answers well within an EHR's time limit.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:02:00", ErrorMessage = "CdsHooks:Fhir:Budget must be between {1} and {2}.")]
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(2.5);

    /// <summary>Most pages read per prefetch key, the prefetched page included (default 20); more → data-truncated.</summary>
    [Range(1, 1000, ErrorMessage = "CdsHooks:Fhir:MaxPages must be between {1} and {2}.")]
    public int MaxPages { get; set; } = 20;

    /// <summary>Most entries read per prefetch key, usable or not (default 5,000); more → data-truncated.</summary>
    [Range(1, 100_000, ErrorMessage = "CdsHooks:Fhir:MaxResources must be between {1} and {2}.")]
    public int MaxResources { get; set; } = 5000;

    /// <summary>Retries of a failed GET (default 2), with jittered exponential back-off, within the budget.</summary>
    [Range(0, 5, ErrorMessage = "CdsHooks:Fhir:MaxRetries must be between {1} and {2}.")]
    public int MaxRetries { get; set; } = 2;
}
