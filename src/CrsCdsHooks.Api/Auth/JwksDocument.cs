using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>Parses a JWK Set and keeps only public asymmetric signing keys (never a symmetric or encryption key).</summary>
internal static class JwksDocument
{
    /// <summary>Largest JWKS document we read, in bytes (a JWK Set of a few keys is a few KB).</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>Parses a JWK Set; false with a reason when it is not one or holds no usable key.</summary>
    public static bool TryParse(string? json, out IReadOnlyList<JsonWebKey> keys, out string? problem)
    {
        keys = [];
        if (string.IsNullOrWhiteSpace(json))
        {
            problem = "is empty";
            return false;
        }

        JsonWebKeySet set;
        try
        {
            set = new JsonWebKeySet(json);
        }
        catch (ArgumentException)
        {
            problem = "is not a JWK Set (JSON object with a \"keys\" array)";
            return false;
        }

        if (set.Keys.Any(HasSecretMaterial))
        {
            problem = "contains a private key or shared secret (only public keys belong in a JWK Set)";
            return false;
        }

        List<JsonWebKey> usable = set.Keys.Where(IsPublicSigningKey).ToList();
        if (usable.Count == 0)
        {
            problem = "holds no RSA or EC signing key";
            return false;
        }

        keys = usable;
        problem = null;
        return true;
    }

    /// <summary>RSA or EC, meant for signatures (use absent or "sig").</summary>
    public static bool IsPublicSigningKey(JsonWebKey key) =>
        (key.Kty == JsonWebAlgorithmsKeyTypes.RSA || key.Kty == JsonWebAlgorithmsKeyTypes.EllipticCurve)
        && (string.IsNullOrEmpty(key.Use) || key.Use == JsonWebKeyUseNames.Sig)
        && !HasSecretMaterial(key);

    /// <summary>
    /// Any private or symmetric member (d, p, q, dp, dq, qi, k). Stricter than <c>JsonWebKey.HasPrivateKey</c>, which
    /// needs the full CRT set for RSA.
    /// </summary>
    public static bool HasSecretMaterial(JsonWebKey key) =>
        !string.IsNullOrEmpty(key.D) || !string.IsNullOrEmpty(key.P) || !string.IsNullOrEmpty(key.Q)
        || !string.IsNullOrEmpty(key.DP) || !string.IsNullOrEmpty(key.DQ) || !string.IsNullOrEmpty(key.QI)
        || !string.IsNullOrEmpty(key.K);

    /// <summary>
    /// The keys that may verify a token with this header: matching <c>kid</c> (all keys when the token names none),
    /// of the family the algorithm needs, and whose own <c>alg</c>, when stated, is the token's.
    /// </summary>
    public static IReadOnlyList<JsonWebKey> Select(IReadOnlyList<JsonWebKey> keys, string? kid, string alg)
    {
        string family = alg.StartsWith("ES", StringComparison.Ordinal)
            ? JsonWebAlgorithmsKeyTypes.EllipticCurve
            : JsonWebAlgorithmsKeyTypes.RSA;
        return keys
            .Where(k => string.IsNullOrEmpty(kid) || string.Equals(k.Kid, kid, StringComparison.Ordinal))
            .Where(k => k.Kty == family)
            .Where(k => string.IsNullOrEmpty(k.Alg) || string.Equals(k.Alg, alg, StringComparison.Ordinal))
            .ToList();
    }
}
