using System.ComponentModel.DataAnnotations;

namespace CrsCdsHooks.Api.Options;

/// <summary>
/// How many calls one CDS client may make (configuration section <c>CdsHooks:RateLimit</c>): a fixed window per
/// client, the client being the authenticated JWT issuer, or the caller's address for an anonymous call. The defaults
/// are generous (an EHR calls thousands of times a day, not thousands of times a minute); the limit is there so a
/// misconfigured or hostile client cannot take the service from the others.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:RateLimit";

    /// <summary>Whether calls to <c>/cds-services</c> are limited at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Calls one client may make per <see cref="Window"/> (default 600, ten a second on average).</summary>
    [Range(1, 1_000_000, ErrorMessage = "CdsHooks:RateLimit:PermitLimit must be between {1} and {2}.")]
    public int PermitLimit { get; set; } = 600;

    /// <summary>The window the permits refill in (default one minute).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "CdsHooks:RateLimit:Window must be between {1} and {2}.")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
