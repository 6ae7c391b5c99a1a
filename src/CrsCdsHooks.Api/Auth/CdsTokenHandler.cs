using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// The JwtBearer token handler for CDS clients: everything that can be decided from the token alone, in the order
/// CDS-HOOKS.md gives — the issuer is a configured client, the header (typ, alg, crit, jku) is acceptable, and the
/// signature verifies with that client's key (Microsoft.IdentityModel does the cryptography). The claim checks that
/// need the request (aud) or must come last (jti replay) run in <see cref="CdsTokenEvents"/>.
/// </summary>
internal sealed class CdsTokenHandler(CdsClientRegistry registry, ILogger logger) : TokenHandler
{
    /// <summary>The only algorithms accepted: asymmetric RSA, RSA-PSS and ECDSA; never <c>none</c> or <c>HS*</c>.</summary>
    public static readonly IReadOnlySet<string> AllowedAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    };

    private readonly JsonWebTokenHandler _signatureHandler = new() { MapInboundClaims = false };

    /// <inheritdoc />
    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        CdsTokenRejectedException rejection;
        try
        {
            return await ValidateCoreAsync(token).ConfigureAwait(false);
        }
        catch (CdsTokenRejectedException ex)
        {
            rejection = ex;
        }
        catch (Exception ex) when (ex is ArgumentException or SecurityTokenException or System.Text.Json.JsonException
            or FormatException or InvalidCastException or InvalidOperationException)
        {
            // A header or claim of an unexpected JSON type: not a token we can read.
            rejection = new CdsTokenRejectedException(CdsTokenFailure.Malformed, null, null, null, ex);
        }

        CdsTrustLog.TokenRefused(logger, rejection.Failure, rejection.TokenIssuer, rejection.Tenant, rejection.Jti);
        return new TokenValidationResult { IsValid = false, Exception = rejection };
    }

    private async Task<TokenValidationResult> ValidateCoreAsync(string token)
    {
        if (token.Length > MaximumTokenSizeInBytes)
        {
            throw new CdsTokenRejectedException(CdsTokenFailure.Malformed, null, null, null);
        }

        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (ArgumentException ex)
        {
            throw new CdsTokenRejectedException(CdsTokenFailure.Malformed, null, null, null, ex);
        }

        string? issuer = jwt.TryGetPayloadValue(JwtRegisteredClaimNames.Iss, out string? iss) ? iss : null;
        string? tenant = CdsTokenClaimRules.TenantOf(jwt);
        string? jti = CdsTokenClaimRules.JtiOf(jwt);
        CdsTokenRejectedException Reject(CdsTokenFailure failure, Exception? inner = null) => new(failure, issuer, tenant, jti, inner);

        if (jwt.IsEncrypted)
        {
            throw Reject(CdsTokenFailure.Malformed);
        }

        // 1. iss is a configured client (before any key is looked up or fetched).
        if (!registry.TryGet(issuer, out TrustedCdsClient? client))
        {
            throw Reject(CdsTokenFailure.UnknownIssuer);
        }

        // 2. The header: typ JWT, an asymmetric alg, no crit, and jku (if any) is the client's configured JWKS URL.
        if (!string.Equals(jwt.Typ, "JWT", StringComparison.OrdinalIgnoreCase))
        {
            throw Reject(CdsTokenFailure.NotJwtType);
        }

        if (!AllowedAlgorithms.Contains(jwt.Alg))
        {
            throw Reject(CdsTokenFailure.AlgorithmNotAllowed);
        }

        if (HasHeader(jwt, "crit"))
        {
            throw Reject(CdsTokenFailure.CriticalHeader);
        }

        if (HasHeader(jwt, "jku"))
        {
            string? jku = jwt.TryGetHeaderValue("jku", out string? value) ? value : null;
            if (client.JwksUri is null || !string.Equals(jku, client.JwksUri, StringComparison.Ordinal))
            {
                throw Reject(CdsTokenFailure.ForeignJku);
            }
        }

        // 3. The signature, with this client's keys only (an unknown kid refetches once, rate-limited).
        string? kid = string.IsNullOrEmpty(jwt.Kid) ? null : jwt.Kid;
        IReadOnlyList<JsonWebKey> keys = JwksDocument.Select(
            await client.Keys.GetKeysAsync(kid, CancellationToken.None).ConfigureAwait(false), kid, jwt.Alg);
        if (keys.Count == 0)
        {
            throw Reject(CdsTokenFailure.SigningKeyNotFound);
        }

        var parameters = new TokenValidationParameters
        {
            IssuerSigningKeys = keys,
            TryAllIssuerSigningKeys = true,
            RequireSignedTokens = true,
            ValidAlgorithms = AllowedAlgorithms,
            ValidIssuer = client.Issuer,
            ValidateIssuer = true,
            // Checked by CdsTokenClaimRules against the request and the injected clock.
            ValidateAudience = false,
            ValidateLifetime = false,
            RequireExpirationTime = false,
            ValidateIssuerSigningKey = false,
            ValidateTokenReplay = false,
            AuthenticationType = CdsClientTrust.SchemeName,
        };
        TokenValidationResult result = await _signatureHandler.ValidateTokenAsync(jwt, parameters).ConfigureAwait(false);
        if (!result.IsValid)
        {
            throw Reject(
                result.Exception is SecurityTokenSignatureKeyNotFoundException ? CdsTokenFailure.SigningKeyNotFound : CdsTokenFailure.BadSignature,
                result.Exception);
        }

        return result;
    }

    private static bool HasHeader(JsonWebToken jwt, string name) => jwt.TryGetHeaderValue(name, out object? _);
}
