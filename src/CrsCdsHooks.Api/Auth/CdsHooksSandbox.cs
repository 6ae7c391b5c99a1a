using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// The public CDS Hooks Sandbox (GitHub cds-hooks/sandbox). It signs ES384 tokens with a key whose private half is
/// published, so anyone can mint its tokens: trusted in Development only (CDS-HOOKS.md, "Trusting CDS clients").
/// </summary>
internal static class CdsHooksSandbox
{
    /// <summary>The sandbox's <c>iss</c>.</summary>
    public const string Issuer = "https://sandbox.cds-hooks.org";

    /// <summary>The <c>jku</c> the sandbox sends (never fetched: configure its JWKS inline).</summary>
    public const string JwksUri = "https://sandbox.cds-hooks.org/.well-known/jwks.json";

    /// <summary>The host name of every sandbox URL.</summary>
    public const string Host = "sandbox.cds-hooks.org";

    /// <summary>The <c>kid</c> of the sandbox's published key.</summary>
    public const string KeyId = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f";

    /// <summary>The x coordinate of the sandbox's published P-384 key (recognises the key under another kid).</summary>
    public const string KeyX = "dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB";

    /// <summary>True when a URL points at the sandbox's host.</summary>
    public static bool IsSandboxUrl(string? url) =>
        Uri.TryCreate(url?.Trim(), UriKind.Absolute, out Uri? uri)
        && string.Equals(uri.Host, Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when a key is the sandbox's published key (by kid or by its public point).</summary>
    public static bool IsSandboxKey(JsonWebKey key) =>
        string.Equals(key.Kid, KeyId, StringComparison.Ordinal)
        || string.Equals(key.X, KeyX, StringComparison.Ordinal);

    /// <summary>Why a configured client is the sandbox, or null when it is not.</summary>
    public static string? Recognise(string? issuer, string? jwksUri, IReadOnlyList<JsonWebKey> inlineKeys)
    {
        if (IsSandboxUrl(issuer))
        {
            return "Issuer";
        }

        if (IsSandboxUrl(jwksUri))
        {
            return "JwksUri";
        }

        return inlineKeys.Any(IsSandboxKey) ? "Jwks" : null;
    }
}
