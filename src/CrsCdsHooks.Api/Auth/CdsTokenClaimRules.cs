using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// The CDS Hooks claim checks made after the signature verified, in the order CDS-HOOKS.md gives:
/// aud, exp/iat (with skew), lifetime, tenant, jti presence. (The jti replay check comes last, in the events.)
/// </summary>
internal static class CdsTokenClaimRules
{
    /// <summary>Longest jti we keep (bounds the replay cache).</summary>
    public const int MaxJtiLength = 256;

    /// <summary>The first failed check, or null when the claims are acceptable.</summary>
    public static CdsTokenFailure? Check(
        JsonWebToken token,
        TrustedCdsClient client,
        string? expectedAudience,
        DateTimeOffset now,
        CdsAuthOptions options)
    {
        List<string> audiences = token.Audiences.ToList();
        if (expectedAudience is null || audiences.Count != 1 || !string.Equals(audiences[0], expectedAudience, StringComparison.Ordinal))
        {
            return CdsTokenFailure.AudienceMismatch;
        }

        if (!token.TryGetPayloadValue(JwtRegisteredClaimNames.Exp, out object _)
            || !token.TryGetPayloadValue(JwtRegisteredClaimNames.Iat, out object _))
        {
            return CdsTokenFailure.MissingTimes;
        }

        DateTimeOffset expires = new(token.ValidTo, TimeSpan.Zero);
        DateTimeOffset issuedAt = new(token.IssuedAt, TimeSpan.Zero);
        if (now >= expires + options.ClockSkew)
        {
            return CdsTokenFailure.Expired;
        }

        if (issuedAt - options.ClockSkew > now)
        {
            return CdsTokenFailure.NotYetValid;
        }

        if (token.TryGetPayloadValue(JwtRegisteredClaimNames.Nbf, out object _)
            && new DateTimeOffset(token.ValidFrom, TimeSpan.Zero) - options.ClockSkew > now)
        {
            return CdsTokenFailure.NotYetValid;
        }

        if (expires <= issuedAt || expires - issuedAt > options.MaxTokenLifetime)
        {
            return CdsTokenFailure.LifetimeTooLong;
        }

        if (client.Tenants.Count > 0 && (TenantOf(token) is not { } tenant || !client.Tenants.Contains(tenant)))
        {
            return CdsTokenFailure.TenantNotAllowed;
        }

        string? jti = JtiOf(token);
        if (string.IsNullOrWhiteSpace(jti) || jti.Length > MaxJtiLength)
        {
            return CdsTokenFailure.MissingJti;
        }

        return null;
    }

    /// <summary>The <c>tenant</c> claim when it is a string.</summary>
    public static string? TenantOf(JsonWebToken token) =>
        token.TryGetPayloadValue("tenant", out string? tenant) ? tenant : null;

    /// <summary>The <c>jti</c> claim when it is a string.</summary>
    public static string? JtiOf(JsonWebToken token) =>
        token.TryGetPayloadValue(JwtRegisteredClaimNames.Jti, out string? jti) ? jti : null;

    /// <summary>
    /// The audience a token must carry for this request: the configured public base URL plus the request path; only in
    /// Development with no base URL configured, the URL the request itself was made to. Null: cannot be known.
    /// </summary>
    public static string? ExpectedAudience(HttpRequest request, string? publicBaseUrl, bool isDevelopment)
    {
        if (!string.IsNullOrWhiteSpace(publicBaseUrl))
        {
            return publicBaseUrl.Trim().TrimEnd('/') + request.Path.ToUriComponent();
        }

        return isDevelopment
            ? UriHelper.BuildAbsolute(request.Scheme, request.Host, request.PathBase, request.Path)
            : null;
    }
}
