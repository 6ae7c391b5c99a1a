using System.ComponentModel.DataAnnotations;

namespace CrsCdsHooks.Api.Options;

/// <summary>
/// What one request may cost the service (configuration section <c>CdsHooks:Limits</c>). A hostile or
/// misconfigured client must not be able to exhaust memory or hold a request open.
/// </summary>
public sealed class LimitsOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:Limits";

    /// <summary>
    /// The largest JSON body read: a hook request or feedback (larger → 413), and each FHIR server response
    /// page (larger → that page fails). Default 10 MiB.
    /// </summary>
    [Range(1_024L, 1_073_741_824L, ErrorMessage = "CdsHooks:Limits:MaxBodyBytes must be between {1} and {2} bytes.")]
    public long MaxBodyBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>The deepest JSON nesting accepted (default 64; FHIR bundles need about 15).</summary>
    [Range(16, 256, ErrorMessage = "CdsHooks:Limits:MaxJsonDepth must be between {1} and {2}.")]
    public int MaxJsonDepth { get; set; } = 64;

    /// <summary>The most resources one request may carry in its prefetch (Bundle entries counted; more → 413). Default 20,000.</summary>
    [Range(1, 1_000_000, ErrorMessage = "CdsHooks:Limits:MaxResources must be between {1} and {2}.")]
    public int MaxResources { get; set; } = 20_000;

    /// <summary>
    /// How long one hook call may take end to end before it is abandoned with a 503 OperationOutcome
    /// (default 10 s; the FHIR server budget is separate and shorter).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "CdsHooks:Limits:RequestTimeout must be between {1} and {2}.")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
