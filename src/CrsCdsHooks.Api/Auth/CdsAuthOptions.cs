namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// How the service trusts the CDS clients (EHRs) that call it: section <c>CdsHooks:Auth</c> (CDS-HOOKS.md,
/// "Trusting CDS clients (JWT)" and "Configuration"). Validated at start-up by <see cref="CdsAuthOptionsValidator"/>.
/// </summary>
internal sealed class CdsAuthOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "CdsHooks:Auth";

    /// <summary>
    /// Whether every call must carry a valid JWT. Unset: required everywhere except in Development, where a token
    /// is optional but, when presented, still validated.
    /// </summary>
    public bool? RequireJwt { get; set; }

    /// <summary>Longest accepted <c>exp − iat</c>. Default 15 minutes (Epic uses 15, the sandbox 5).</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Tolerance for clock differences on <c>exp</c>, <c>iat</c> and <c>nbf</c>. Default 60 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long one JWKS download may take before the token is refused. Default 2 seconds.
    /// </summary>
    /// <remarks>[operational] CDS-HOOKS.md "Request handling": the hook answers within an EHR's time limit, so a
    /// slow or dead JWKS host must fail fast rather than hang the call.</remarks>
    public TimeSpan JwksFetchTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Age after which cached JWKS keys are refreshed (the old keys stay in use if the refresh fails). Default 1 hour.</summary>
    /// <remarks>[operational] picks up revoked keys within the hour without fetching on every call.</remarks>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Least time between two JWKS downloads for one client (an unknown <c>kid</c> refetches at most this often).
    /// Default 30 seconds.
    /// </summary>
    /// <remarks>[operational] a client sending random <c>kid</c>s cannot make us hammer its JWKS host.</remarks>
    public TimeSpan JwksMinimumRefetchInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The trusted clients, by issuer.</summary>
    public IList<CdsClientOptions> Clients { get; } = new List<CdsClientOptions>();

    /// <summary>Whether a JWT is required in the given environment (explicit setting, else environment default).</summary>
    public bool IsJwtRequired(bool isDevelopment) => RequireJwt ?? !isDevelopment;
}

/// <summary>One trusted CDS client: <c>CdsHooks:Auth:Clients:N</c>.</summary>
internal sealed class CdsClientOptions
{
    /// <summary>The exact <c>iss</c> the client puts in its tokens.</summary>
    public string? Issuer { get; set; }

    /// <summary>
    /// The client's JWKS URL (a bare JWK Set, no OpenID discovery). When <see cref="Jwks"/> is also given, the inline
    /// keys are used and this URL is never fetched: it only names the one <c>jku</c> header the client may send.
    /// </summary>
    public string? JwksUri { get; set; }

    /// <summary>An inline JWK Set (JSON text <c>{"keys":[…]}</c>) with the client's public keys.</summary>
    public string? Jwks { get; set; }

    /// <summary>Allowed <c>tenant</c> claim values; empty: any tenant (or none).</summary>
    public IList<string> Tenants { get; } = new List<string>();

    /// <summary>Allowed <c>fhirServer</c> base URLs for this client (used by the host, not by token validation).</summary>
    public IList<string> FhirServers { get; } = new List<string>();
}

/// <summary>The service's public address: <c>CdsHooks:PublicBaseUrl</c> (the JWT audience is built from it).</summary>
internal sealed class CdsPublicUrlOptions
{
    /// <summary>The configuration section the key lives in.</summary>
    public const string SectionName = "CdsHooks";

    /// <summary>For example <c>https://cds.example.org</c>; audience = this + the request path.</summary>
    public string? PublicBaseUrl { get; set; }
}
