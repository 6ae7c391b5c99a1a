using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Options;

/// <summary>
/// The <c>fhirServer</c> base URLs each CDS client may send, read from the client configuration
/// <c>CdsHooks:Auth:Clients:N:Issuer</c> and <c>CdsHooks:Auth:Clients:N:FhirServers:M</c> (the same keys the JWT
/// trust reads), so a configured list also works while JWTs are optional.
/// </summary>
public sealed class FhirServerAllowList
{
    /// <summary>The section that lists the CDS clients.</summary>
    public const string ClientsSection = "CdsHooks:Auth:Clients";

    /// <summary>One entry per configured client.</summary>
    public IList<ClientFhirServers> Clients { get; } = [];

    /// <summary>Reads the client list from configuration (invalid URLs are kept as written and rejected by validation).</summary>
    public static void Bind(FhirServerAllowList target, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var client in configuration.GetSection(ClientsSection).GetChildren())
        {
            var servers = client.GetSection("FhirServers").GetChildren()
                .Select(s => new ConfiguredUrl($"{ClientsSection}:{client.Key}:FhirServers:{s.Key}", s.Value ?? ""))
                .ToList();
            target.Clients.Add(new ClientFhirServers(client["Issuer"], servers));
        }
    }
}

/// <summary>One client's issuer and allowed FHIR server base URLs.</summary>
/// <param name="Issuer">The client's JWT <c>iss</c> (may be absent when only servers are listed).</param>
/// <param name="FhirServers">Its allowed base URLs, with the configuration key each came from.</param>
public sealed record ClientFhirServers(string? Issuer, IReadOnlyList<ConfiguredUrl> FhirServers);

/// <summary>A configured URL and the key it came from (for start-up error messages).</summary>
/// <param name="Key">The configuration key, e.g. <c>CdsHooks:Auth:Clients:0:FhirServers:1</c>.</param>
/// <param name="Value">The URL as written.</param>
public sealed record ConfiguredUrl(string Key, string Value);

/// <summary>Start-up validation: every listed FHIR server is an absolute http(s) URL without query or fragment.</summary>
internal sealed class FhirServerAllowListValidator : IValidateOptions<FhirServerAllowList>
{
    public ValidateOptionsResult Validate(string? name, FhirServerAllowList options)
    {
        var errors = new List<string>();
        foreach (var url in options.Clients.SelectMany(c => c.FhirServers))
        {
            if (!Uri.TryCreate(url.Value, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
                errors.Add($"{url.Key} must be an absolute http(s) base URL without query or fragment, e.g. https://fhir.example.org/r4.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
