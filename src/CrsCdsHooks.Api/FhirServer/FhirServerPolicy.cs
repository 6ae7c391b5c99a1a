using System.Security.Claims;

using CrsCdsHooks.Api.Options;

using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.FhirServer;

/// <summary>
/// Decides which FHIR servers the service may call (SSRF protection, CDS-HOOKS.md): any http(s) server when
/// <c>CdsHooks:Fhir:AllowAnyServer</c> is true; otherwise only the base URLs configured for the calling client
/// (<c>CdsHooks:Auth:Clients:N:FhirServers:M</c>) — for an authenticated client, its own list; for an anonymous
/// call (JWT optional), the list of every configured client. A refused server answers 403.
/// </summary>
internal sealed class FhirServerPolicy(IOptions<FhirServerOptions> options, IOptions<FhirServerAllowList> allowList)
{
    public bool IsAllowed(Uri fhirServer, ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(fhirServer);
        ArgumentNullException.ThrowIfNull(user);
        if (fhirServer.Scheme != Uri.UriSchemeHttps && fhirServer.Scheme != Uri.UriSchemeHttp) return false;
        if (options.Value.AllowAnyServer) return true;

        var clients = allowList.Value.Clients;
        var issuer = ClientIssuer(user);
        if (issuer is not null)
            clients = clients.Where(c => string.Equals(c.Issuer, issuer, StringComparison.Ordinal)).ToList();
        return clients.SelectMany(c => c.FhirServers)
            .Any(s => Uri.TryCreate(s.Value, UriKind.Absolute, out var allowed) && SameBase(allowed, fhirServer));
    }

    /// <summary>
    /// The issuer of an authenticated caller (the JWT's <c>iss</c>), or null for an anonymous call. This is where
    /// the JWT trust and the allowlist meet: the trust must leave an authenticated principal with an <c>iss</c> claim.
    /// </summary>
    public static string? ClientIssuer(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true) return null;
        return user.FindFirst("iss")?.Value ?? user.Claims.FirstOrDefault()?.Issuer;
    }

    /// <summary>True when both URLs name the same base: scheme, host, port and path (trailing slashes ignored).</summary>
    public static bool SameBase(Uri a, Uri b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return SameOrigin(a, b) && string.Equals(BasePath(a), BasePath(b), StringComparison.Ordinal);
    }

    /// <summary>True when <paramref name="url"/> lies on the server of <paramref name="baseUrl"/>, under its base path.</summary>
    public static bool IsUnderBase(Uri url, Uri baseUrl)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (!SameOrigin(url, baseUrl)) return false;
        var basePath = BasePath(baseUrl);
        var path = url.AbsolutePath;
        return basePath.Length == 0
               || string.Equals(path.TrimEnd('/'), basePath, StringComparison.Ordinal)
               || path.StartsWith(basePath + "/", StringComparison.Ordinal);
    }

    private static bool SameOrigin(Uri a, Uri b) =>
        string.Equals(a.Scheme, b.Scheme, StringComparison.OrdinalIgnoreCase)
        && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase)
        && a.Port == b.Port;

    private static string BasePath(Uri uri) => uri.AbsolutePath.TrimEnd('/');
}
