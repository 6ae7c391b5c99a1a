using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Tests.Auth;

/// <summary>A signing key pair made for the tests, with its public JWK.</summary>
internal sealed class TestKey
{
    private TestKey(string kid, SecurityKey privateKey, Dictionary<string, string> publicJwk, string publicPem)
    {
        Kid = kid;
        PrivateKey = privateKey;
        PublicJwk = publicJwk;
        PublicPem = publicPem;
    }

    public string Kid { get; }

    public SecurityKey PrivateKey { get; }

    public Dictionary<string, string> PublicJwk { get; }

    /// <summary>The public key as PEM text (what a forger would use as an HMAC secret).</summary>
    public string PublicPem { get; }

    public static TestKey EcP384(string kid) => Ec(kid, ECCurve.NamedCurves.nistP384, "P-384", "ES384");

    public static TestKey EcP256(string kid) => Ec(kid, ECCurve.NamedCurves.nistP256, "P-256", "ES256");

    public static TestKey Rsa(string kid, string? alg = null)
    {
        using RSA rsa = System.Security.Cryptography.RSA.Create(2048);
        RSAParameters p = rsa.ExportParameters(includePrivateParameters: true);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        if (alg is not null)
        {
            jwk["alg"] = alg;
        }

        return new TestKey(kid, new RsaSecurityKey(p) { KeyId = kid }, jwk, rsa.ExportSubjectPublicKeyInfoPem());
    }

    private static TestKey Ec(string kid, ECCurve curve, string crv, string alg)
    {
        using ECDsa ec = ECDsa.Create(curve);
        ECParameters p = ec.ExportParameters(includePrivateParameters: true);
        var jwk = new Dictionary<string, string>
        {
            ["kty"] = "EC",
            ["use"] = "sig",
            ["crv"] = crv,
            ["kid"] = kid,
            ["alg"] = alg,
            ["x"] = Base64UrlEncoder.Encode(p.Q.X),
            ["y"] = Base64UrlEncoder.Encode(p.Q.Y),
        };
        return new TestKey(kid, new ECDsaSecurityKey(ECDsa.Create(p)) { KeyId = kid }, jwk, ec.ExportSubjectPublicKeyInfoPem());
    }

    /// <summary>A JWK Set JSON document of the public halves.</summary>
    public static string Jwks(params TestKey[] keys) => JsonSerializer.Serialize(new { keys = keys.Select(k => k.PublicJwk) });
}

/// <summary>Mints compact JWS tokens with full control of header and payload; signatures by Microsoft.IdentityModel.</summary>
internal static class TokenMint
{
    public static string Sign(IDictionary<string, object?> header, IDictionary<string, object?> payload, SecurityKey? key)
    {
        string signingInput = Encode(header) + "." + Encode(payload);
        if (key is null)
        {
            return Registered(signingInput + ".");
        }

        string alg = (string)header["alg"]!;
        SignatureProvider provider = key.CryptoProviderFactory.CreateForSigning(key, alg);
        try
        {
            byte[] signature = provider.Sign(Encoding.ASCII.GetBytes(signingInput));
            return Registered(signingInput + "." + Base64UrlEncoder.Encode(signature));
        }
        finally
        {
            key.CryptoProviderFactory.ReleaseSignatureProvider(provider);
        }
    }

    /// <summary>Every minted token joins the run's leak guard: no log line may hold it, or its signature.</summary>
    private static string Registered(string token)
    {
        LeakGuard.RegisterSecret(token, "a JWT the tests minted");
        var signature = token[(token.LastIndexOf('.') + 1)..];
        if (signature.Length >= 16) LeakGuard.RegisterSecret(signature, "a JWT signature");
        return token;
    }

    public static string Encode(IDictionary<string, object?> part) =>
        Base64UrlEncoder.Encode(JsonSerializer.Serialize(part.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value)));
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
