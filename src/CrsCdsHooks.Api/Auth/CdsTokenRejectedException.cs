using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>Why a CDS client's token was refused (logged, and sent as the WWW-Authenticate error description).</summary>
internal enum CdsTokenFailure
{
    /// <summary>Not a compact signed JWT.</summary>
    Malformed,
    /// <summary><c>iss</c> is not a configured client.</summary>
    UnknownIssuer,
    /// <summary>Header <c>typ</c> is not <c>JWT</c>.</summary>
    NotJwtType,
    /// <summary><c>alg</c> is not RS/PS/ES 256/384/512 (<c>none</c> and <c>HS*</c> are refused).</summary>
    AlgorithmNotAllowed,
    /// <summary>The header carries <c>crit</c> extensions we do not understand (RFC 7515 §4.1.11).</summary>
    CriticalHeader,
    /// <summary><c>jku</c> is not the client's configured JWKS URL.</summary>
    ForeignJku,
    /// <summary>No key of the client has this <c>kid</c> (after one refetch).</summary>
    SigningKeyNotFound,
    /// <summary>The signature does not verify with the client's key.</summary>
    BadSignature,
    /// <summary><c>aud</c> is not exactly the URL of the endpoint called.</summary>
    AudienceMismatch,
    /// <summary><c>exp</c> or <c>iat</c> missing.</summary>
    MissingTimes,
    /// <summary><c>exp</c> has passed.</summary>
    Expired,
    /// <summary><c>iat</c> (or <c>nbf</c>) is in the future.</summary>
    NotYetValid,
    /// <summary><c>exp − iat</c> is not positive or exceeds the maximum lifetime.</summary>
    LifetimeTooLong,
    /// <summary><c>tenant</c> is not one the client lists.</summary>
    TenantNotAllowed,
    /// <summary><c>jti</c> missing or unusable.</summary>
    MissingJti,
    /// <summary><c>jti</c> was seen before.</summary>
    ReplayedJti,
}

/// <summary>A refused token, with the claims that may be logged (never the token itself).</summary>
internal sealed class CdsTokenRejectedException : SecurityTokenValidationException
{
    public CdsTokenRejectedException()
        : this(CdsTokenFailure.Malformed, null, null, null)
    {
    }

    public CdsTokenRejectedException(string message)
        : base(message)
    {
    }

    public CdsTokenRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CdsTokenRejectedException(CdsTokenFailure failure, string? issuer, string? tenant, string? jti, Exception? inner = null)
        : base(Describe(failure), inner)
    {
        Failure = failure;
        TokenIssuer = issuer;
        Tenant = tenant;
        Jti = jti;
    }

    /// <summary>The check that failed.</summary>
    public CdsTokenFailure Failure { get; }

    /// <summary>The token's <c>iss</c> (unverified when the failure is before the signature).</summary>
    public string? TokenIssuer { get; }

    /// <summary>The token's <c>tenant</c>, if any.</summary>
    public string? Tenant { get; }

    /// <summary>The token's <c>jti</c>, if any.</summary>
    public string? Jti { get; }

    /// <summary>A fixed, token-free description of the failure (safe for the WWW-Authenticate header).</summary>
    public static string Describe(CdsTokenFailure failure) => failure switch
    {
        CdsTokenFailure.Malformed => "The token is not a signed JWT",
        CdsTokenFailure.UnknownIssuer => "The issuer is not a trusted CDS client",
        CdsTokenFailure.NotJwtType => "The token type must be JWT",
        CdsTokenFailure.AlgorithmNotAllowed => "The algorithm must be RS, PS or ES 256/384/512",
        CdsTokenFailure.CriticalHeader => "Critical header extensions are not supported",
        CdsTokenFailure.ForeignJku => "The jku is not the client's configured JWKS URL",
        CdsTokenFailure.SigningKeyNotFound => "The signature key was not found",
        CdsTokenFailure.BadSignature => "The signature is invalid",
        CdsTokenFailure.AudienceMismatch => "The audience must be the exact URL of the endpoint called",
        CdsTokenFailure.MissingTimes => "The token must carry exp and iat",
        CdsTokenFailure.Expired => "The token has expired",
        CdsTokenFailure.NotYetValid => "The token is not valid yet",
        CdsTokenFailure.LifetimeTooLong => "The token lifetime (exp - iat) is not positive or exceeds the maximum",
        CdsTokenFailure.TenantNotAllowed => "The tenant is not allowed for this client",
        CdsTokenFailure.MissingJti => "The token must carry a jti",
        CdsTokenFailure.ReplayedJti => "The token was already used",
        _ => "The token is invalid",
    };
}
