using Microsoft.AspNetCore.Builder;

using static CrsCdsHooks.Api.Tests.Auth.TrustTestHost;

namespace CrsCdsHooks.Api.Tests.Auth;

/// <summary>A bad <c>CdsHooks:Auth</c> or <c>CdsHooks:PublicBaseUrl</c> value stops start-up with a message naming the key.</summary>
public sealed class CdsAuthOptionsValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["CdsHooks:PublicBaseUrl"] = BaseUrl,
        ["CdsHooks:Auth:Clients:0:Issuer"] = InlineIssuer,
        ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(CdsClientTrustTests.Ec),
    };

    private static async Task<Exception> StartUpFailsAsync(string environment, Dictionary<string, string?> settings)
    {
        WebApplication app = Build(environment, settings, new ManualTimeProvider(T0), new ListLoggerProvider());
        await using (app)
        {
            return await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());
        }
    }

    [Fact]
    public async Task ValidSettings_StartUp()
    {
        await using TrustTestHost host = await StartAsync("Production", Valid());
        Assert.NotNull(host.Client);
    }

    [Theory]
    [InlineData("CdsHooks:Auth:MaxTokenLifetime", "02:00:00")]
    [InlineData("CdsHooks:Auth:MaxTokenLifetime", "00:00:00")]
    [InlineData("CdsHooks:Auth:MaxTokenLifetime", "15")] // 15 days, not minutes
    [InlineData("CdsHooks:Auth:MaxTokenLifetime", "fifteen minutes")]
    [InlineData("CdsHooks:Auth:ClockSkew", "00:10:00")]
    [InlineData("CdsHooks:Auth:ClockSkew", "-00:00:01")]
    [InlineData("CdsHooks:Auth:JwksFetchTimeout", "00:00:00")]
    [InlineData("CdsHooks:Auth:JwksRefreshInterval", "00:00:01")]
    [InlineData("CdsHooks:Auth:JwksMinimumRefetchInterval", "02:00:00")]
    [InlineData("CdsHooks:Auth:RequireJwt", "sometimes")]
    [InlineData("CdsHooks:Auth:Clients:0:Issuer", "")]
    [InlineData("CdsHooks:Auth:Clients:0:Issuer", " https://inline.example.org")]
    [InlineData("CdsHooks:Auth:Clients:0:Jwks", "not json")]
    [InlineData("CdsHooks:Auth:Clients:0:Jwks", "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\"}]}")]
    [InlineData("CdsHooks:Auth:Clients:0:Jwks", "{\"keys\":[]}")]
    [InlineData("CdsHooks:Auth:Clients:0:Jwks", "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"enc\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}")]
    [InlineData("CdsHooks:Auth:Clients:0:JwksUri", "http://jwks.example.org/jwks")]
    [InlineData("CdsHooks:Auth:Clients:0:JwksUri", "file:///etc/passwd")]
    [InlineData("CdsHooks:Auth:Clients:0:JwksUri", "/relative/jwks")]
    [InlineData("CdsHooks:Auth:Clients:0:FhirServers:0", "not a url")]
    [InlineData("CdsHooks:Auth:Clients:0:FhirServers:0", "ftp://fhir.example.org")]
    [InlineData("CdsHooks:PublicBaseUrl", "cds.example.org")]
    [InlineData("CdsHooks:PublicBaseUrl", "http://cds.example.org")]
    [InlineData("CdsHooks:PublicBaseUrl", "https://cds.example.org/?x=1")]
    public async Task BadValue_StopsStartUp_NamingTheKey(string key, string value)
    {
        Dictionary<string, string?> settings = Valid();
        settings[key] = value;

        Exception error = await StartUpFailsAsync("Production", settings);
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrivateKeyInInlineJwks_StopsStartUp()
    {
        var rsa = System.Security.Cryptography.RSA.Create(2048);
        System.Security.Cryptography.RSAParameters p = rsa.ExportParameters(true);
        string jwks = System.Text.Json.JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA",
                    ["n"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Exponent),
                    ["d"] = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.D),
                },
            },
        });
        Dictionary<string, string?> settings = Valid();
        settings["CdsHooks:Auth:Clients:0:Jwks"] = jwks;

        Exception error = await StartUpFailsAsync("Production", settings);
        Assert.Contains("CdsHooks:Auth:Clients:0:Jwks contains a private key or shared secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientWithoutKeys_StopsStartUp()
    {
        Dictionary<string, string?> settings = Valid();
        settings.Remove("CdsHooks:Auth:Clients:0:Jwks");

        Exception error = await StartUpFailsAsync("Production", settings);
        Assert.Contains("CdsHooks:Auth:Clients:0: give JwksUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SameIssuerTwice_StopsStartUp()
    {
        Dictionary<string, string?> settings = Valid();
        settings["CdsHooks:Auth:Clients:1:Issuer"] = InlineIssuer;
        settings["CdsHooks:Auth:Clients:1:Jwks"] = TestKey.Jwks(CdsClientTrustTests.Ec);

        Exception error = await StartUpFailsAsync("Production", settings);
        Assert.Contains("CdsHooks:Auth:Clients:1:Issuer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoClient_WhileJwtRequired_StopsStartUp()
    {
        Exception error = await StartUpFailsAsync("Production", new Dictionary<string, string?> { ["CdsHooks:PublicBaseUrl"] = BaseUrl });
        Assert.Contains("CdsHooks:Auth:Clients", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoPublicBaseUrl_OutsideDevelopment_StopsStartUp()
    {
        Dictionary<string, string?> settings = Valid();
        settings.Remove("CdsHooks:PublicBaseUrl");

        Exception error = await StartUpFailsAsync("Production", settings);
        Assert.Contains("CdsHooks:PublicBaseUrl is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoClientAndNoBaseUrl_InDevelopment_StartsUp()
    {
        await using TrustTestHost host = await StartAsync("Development", new Dictionary<string, string?>());
        using HttpResponseMessage response = await host.PostAsync(InvokePath, token: null);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task HttpJwksUriOnLoopback_Allowed()
    {
        Dictionary<string, string?> settings = Valid();
        settings["CdsHooks:Auth:Clients:1:Issuer"] = RemoteIssuer;
        settings["CdsHooks:Auth:Clients:1:JwksUri"] = "http://127.0.0.1:9/jwks";
        await using TrustTestHost host = await StartAsync("Production", settings);
        Assert.NotNull(host.Client);
    }
}
