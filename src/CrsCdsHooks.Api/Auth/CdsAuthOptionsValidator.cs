using System.Net;

using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// Start-up validation of <c>CdsHooks:Auth</c>: a bad value stops the service with a message naming the key.
/// </summary>
/// <remarks>
/// Decision: the CDS Hooks Sandbox (issuer, JWKS host or its published key) configured outside Development is a
/// start-up error, not a warning: its private key is public, so trusting it would let anyone call the service.
/// </remarks>
internal sealed class CdsAuthOptionsValidator(IHostEnvironment environment, IOptions<CdsPublicUrlOptions> publicUrl)
    : IValidateOptions<CdsAuthOptions>
{
    private const string Section = CdsAuthOptions.SectionName;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CdsAuthOptions options)
    {
        var failures = new List<string>();
        CheckRange(failures, "MaxTokenLifetime", options.MaxTokenLifetime, TimeSpan.FromSeconds(1), TimeSpan.FromHours(1));
        CheckRange(failures, "ClockSkew", options.ClockSkew, TimeSpan.Zero, TimeSpan.FromMinutes(5));
        CheckRange(failures, "JwksFetchTimeout", options.JwksFetchTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        CheckRange(failures, "JwksRefreshInterval", options.JwksRefreshInterval, TimeSpan.FromMinutes(1), TimeSpan.FromDays(7));
        CheckRange(failures, "JwksMinimumRefetchInterval", options.JwksMinimumRefetchInterval, TimeSpan.Zero, TimeSpan.FromHours(1));

        bool development = environment.IsDevelopment();
        var issuers = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < options.Clients.Count; i++)
        {
            ValidateClient(failures, i, options.Clients[i], issuers, development);
        }

        if (options.IsJwtRequired(development) && options.Clients.Count == 0)
        {
            failures.Add(
                $"{Section}:Clients: no CDS client is configured, but a JWT is required ({Section}:RequireJwt is "
                + $"{(options.RequireJwt is null ? "unset, and required by default outside Development" : "true")}); "
                + "every call would be refused. Configure at least one client (Issuer plus JwksUri or Jwks).");
        }

        if (options.Clients.Count > 0 && !development && string.IsNullOrWhiteSpace(publicUrl.Value.PublicBaseUrl))
        {
            failures.Add(
                "CdsHooks:PublicBaseUrl is required outside Development when CDS clients are configured: a token's "
                + "aud must equal this URL plus the endpoint path (e.g. https://cds.example.org).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void ValidateClient(List<string> failures, int index, CdsClientOptions client, HashSet<string> issuers, bool development)
    {
        string key = $"{Section}:Clients:{index}";
        if (string.IsNullOrWhiteSpace(client.Issuer))
        {
            failures.Add($"{key}:Issuer is required (the exact iss of the client's tokens).");
        }
        else if (client.Issuer != client.Issuer.Trim())
        {
            failures.Add($"{key}:Issuer has leading or trailing spaces; iss is compared exactly.");
        }
        else if (!issuers.Add(client.Issuer))
        {
            failures.Add($"{key}:Issuer '{client.Issuer}' is configured twice.");
        }

        bool hasUri = !string.IsNullOrWhiteSpace(client.JwksUri);
        bool hasInline = !string.IsNullOrWhiteSpace(client.Jwks);
        if (!hasUri && !hasInline)
        {
            failures.Add($"{key}: give JwksUri (the client's JWK Set URL) or Jwks (an inline JWK Set).");
        }

        if (hasUri && !IsAcceptableJwksUri(client.JwksUri!))
        {
            failures.Add($"{key}:JwksUri '{client.JwksUri}' must be an absolute https URL (http only on loopback).");
        }

        IReadOnlyList<JsonWebKey> inlineKeys = [];
        if (hasInline && !JwksDocument.TryParse(client.Jwks, out inlineKeys, out string? problem))
        {
            failures.Add($"{key}:Jwks {problem}.");
        }

        string? sandboxPart = CdsHooksSandbox.Recognise(client.Issuer, client.JwksUri, inlineKeys);
        if (sandboxPart is not null && !development)
        {
            failures.Add(
                $"{key}:{sandboxPart} names the public CDS Hooks Sandbox, whose signing key is published: it is trusted "
                + $"in Development only (environment is '{environment.EnvironmentName}'). Remove this client.");
        }

        for (int t = 0; t < client.Tenants.Count; t++)
        {
            if (string.IsNullOrWhiteSpace(client.Tenants[t]))
            {
                failures.Add($"{key}:Tenants:{t} is empty.");
            }
        }

        for (int f = 0; f < client.FhirServers.Count; f++)
        {
            if (!Uri.TryCreate(client.FhirServers[f], UriKind.Absolute, out Uri? fhir)
                || (fhir.Scheme != Uri.UriSchemeHttps && fhir.Scheme != Uri.UriSchemeHttp))
            {
                failures.Add($"{key}:FhirServers:{f} '{client.FhirServers[f]}' must be an absolute http(s) URL.");
            }
        }
    }

    private static bool IsAcceptableJwksUri(string value)
    {
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out Uri? uri) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        return uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? address) && IPAddress.IsLoopback(address));

    private static void CheckRange(List<string> failures, string name, TimeSpan value, TimeSpan min, TimeSpan max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Section}:{name} is {value:c}; it must be between {min:c} and {max:c} (format hh:mm:ss).");
        }
    }
}

/// <summary>Start-up validation of <c>CdsHooks:PublicBaseUrl</c>.</summary>
internal sealed class CdsPublicUrlOptionsValidator(IHostEnvironment environment) : IValidateOptions<CdsPublicUrlOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, CdsPublicUrlOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return ValidateOptionsResult.Success;
        }

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return ValidateOptionsResult.Fail(
                $"CdsHooks:PublicBaseUrl '{options.PublicBaseUrl}' must be an absolute http(s) URL without query or "
                + "fragment, e.g. https://cds.example.org.");
        }

        if (uri.Scheme != Uri.UriSchemeHttps && !environment.IsDevelopment())
        {
            return ValidateOptionsResult.Fail(
                $"CdsHooks:PublicBaseUrl '{options.PublicBaseUrl}' must use https outside Development.");
        }

        return ValidateOptionsResult.Success;
    }
}
