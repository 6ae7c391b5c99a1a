namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// The CDS client that made this call, once its token passed every check. Set as an <c>HttpContext</c> feature;
/// absent when no token was presented (allowed only when a JWT is optional, i.e. in Development by default).
/// </summary>
/// <param name="Issuer">The client's <c>iss</c>.</param>
/// <param name="Tenant">The <c>tenant</c> claim, if any.</param>
/// <param name="Subject">The <c>sub</c> claim, if any.</param>
/// <param name="Jti">The token's <c>jti</c> (safe to log).</param>
/// <param name="FhirServers">The <c>fhirServer</c> base URLs configured for this client.</param>
internal sealed record CdsClientIdentity(string Issuer, string? Tenant, string? Subject, string Jti, IReadOnlyList<string> FhirServers)
{
    /// <summary>
    /// True when <paramref name="fhirServer"/> is one of this client's configured FHIR base URLs (scheme and host
    /// case-insensitive, same port, same path ignoring one trailing slash). An empty list allows none: the host decides
    /// whether <c>CdsHooks:Fhir:AllowAnyServer</c> applies.
    /// </summary>
    public bool IsFhirServerAllowed(string? fhirServer) => FhirServers.Any(allowed => SameBaseUrl(allowed, fhirServer));

    private static bool SameBaseUrl(string allowed, string? candidate)
    {
        if (!Uri.TryCreate(allowed, UriKind.Absolute, out Uri? a) || !Uri.TryCreate(candidate, UriKind.Absolute, out Uri? b))
        {
            return false;
        }

        return string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase)
            && a.Port == b.Port
            && string.IsNullOrEmpty(b.Query) && string.IsNullOrEmpty(b.Fragment) && string.IsNullOrEmpty(b.UserInfo)
            && string.Equals(a.AbsolutePath.TrimEnd('/'), b.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
    }
}

/// <summary>Reading the authenticated CDS client from a request.</summary>
internal static class CdsClientHttpContextExtensions
{
    /// <summary>The authenticated CDS client, or null when the call carried no token (JWT optional).</summary>
    public static CdsClientIdentity? GetCdsClient(this HttpContext httpContext) => httpContext.Features.Get<CdsClientIdentity>();
}
