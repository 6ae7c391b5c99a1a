using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>One trusted CDS client, ready for token validation.</summary>
/// <param name="Issuer">Its exact <c>iss</c>.</param>
/// <param name="JwksUri">Its configured JWKS URL (the only <c>jku</c> it may send), if any.</param>
/// <param name="Keys">Where its keys come from.</param>
/// <param name="Tenants">Allowed tenants; empty: any.</param>
/// <param name="FhirServers">Allowed <c>fhirServer</c> base URLs.</param>
internal sealed record TrustedCdsClient(
    string Issuer,
    string? JwksUri,
    ICdsClientKeySource Keys,
    IReadOnlySet<string> Tenants,
    IReadOnlyList<string> FhirServers);

/// <summary>The configured clients by issuer (built once at start-up from validated options).</summary>
internal sealed class CdsClientRegistry : IDisposable
{
    private readonly Dictionary<string, TrustedCdsClient> _clients = new(StringComparer.Ordinal);

    public CdsClientRegistry(
        IOptions<CdsAuthOptions> options,
        IHostEnvironment environment,
        IHttpClientFactory httpClientFactory,
        TimeProvider timeProvider,
        ILogger<CdsClientRegistry> logger)
    {
        CdsAuthOptions auth = options.Value;
        for (int i = 0; i < auth.Clients.Count; i++)
        {
            CdsClientOptions client = auth.Clients[i];
            string issuer = client.Issuer!;
            IReadOnlyList<JsonWebKey> inlineKeys = [];
            if (!string.IsNullOrWhiteSpace(client.Jwks) && !JwksDocument.TryParse(client.Jwks, out inlineKeys, out _))
            {
                inlineKeys = []; // cannot happen after start-up validation
            }

            // Defence in depth: the options validator already stops start-up for this outside Development.
            if (!environment.IsDevelopment() && CdsHooksSandbox.Recognise(issuer, client.JwksUri, inlineKeys) is not null)
            {
                CdsTrustLog.SandboxIgnored(logger, i, environment.EnvironmentName);
                continue;
            }

            ICdsClientKeySource keys = inlineKeys.Count > 0
                ? new InlineJwksKeySource(inlineKeys)
                : new RemoteJwksKeySource(issuer, new Uri(client.JwksUri!), httpClientFactory, auth, timeProvider, logger);
            _clients[issuer] = new TrustedCdsClient(
                issuer,
                string.IsNullOrWhiteSpace(client.JwksUri) ? null : client.JwksUri.Trim(),
                keys,
                client.Tenants.ToHashSet(StringComparer.Ordinal),
                client.FhirServers.ToList());
        }
    }

    /// <summary>All trusted clients.</summary>
    public IReadOnlyCollection<TrustedCdsClient> Clients => _clients.Values;

    /// <summary>The client whose issuer is exactly <paramref name="issuer"/>.</summary>
    public bool TryGet(string? issuer, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TrustedCdsClient? client)
    {
        client = null;
        return issuer is not null && _clients.TryGetValue(issuer, out client);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (TrustedCdsClient client in _clients.Values)
        {
            (client.Keys as IDisposable)?.Dispose();
        }
    }
}
