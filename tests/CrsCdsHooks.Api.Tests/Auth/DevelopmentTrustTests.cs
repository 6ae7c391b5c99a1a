using System.Net;
using System.Text;
using System.Text.Json;

using CrsCdsHooks.Api.Auth;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

using static CrsCdsHooks.Api.Tests.Auth.TrustTestHost;

namespace CrsCdsHooks.Api.Tests.Auth;

/// <summary>
/// Development: a JWT is optional, but a token that is presented is still validated; the audience comes from the
/// request when no public base URL is configured; the public CDS Hooks Sandbox is trusted here and nowhere else.
/// </summary>
public sealed class DevelopmentTrustTests
{
    /// <summary>
    /// The Development settings that trust the CDS Hooks Sandbox (the same JSON goes into appsettings.Development.json).
    /// Key copied from shared/data/cds-hooks-sandbox-jwks.json; the jku is configured but never fetched.
    /// </summary>
    internal const string SandboxDevelopmentSettings = """
        {
          "CdsHooks": {
            "Auth": {
              "Clients": [
                {
                  "Issuer": "https://sandbox.cds-hooks.org",
                  "JwksUri": "https://sandbox.cds-hooks.org/.well-known/jwks.json",
                  "Jwks": "{\"keys\":[{\"kty\":\"EC\",\"use\":\"sig\",\"crv\":\"P-384\",\"kid\":\"44823f3d-0b01-4a6c-a80e-b9d3e8a7226f\",\"x\":\"dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB\",\"y\":\"Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy\",\"alg\":\"ES384\"}]}"
                }
              ]
            }
          }
        }
        """;

    private const string DevelopmentAudience = "http://localhost" + InvokePath;

    private static Dictionary<string, string?> InlineClient(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:Clients:0:Issuer"] = InlineIssuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(CdsClientTrustTests.Ec),
        };
        foreach ((string key, string? value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static string Token(string audience, TestKey? key = null)
    {
        Dictionary<string, object?> claims = Claims(InlineIssuer);
        claims["aud"] = audience;
        key ??= CdsClientTrustTests.Ec;
        return TokenMint.Sign(Header(key, "ES384"), claims, key.PrivateKey);
    }

    [Fact]
    public async Task NoToken_InDevelopment_Allowed_WithoutClient()
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient());
        using HttpResponseMessage response = await host.PostAsync(InvokePath, token: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("issuer").ValueKind);
    }

    [Fact]
    public async Task GoodToken_InDevelopment_AudienceFromTheRequest_Accepted()
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient());
        using HttpResponseMessage response = await host.PostAsync(InvokePath, Token(DevelopmentAudience));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(InlineIssuer, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GoodToken_InDevelopment_WithPublicBaseUrl_UsesIt()
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient(("CdsHooks:PublicBaseUrl", "http://localhost:5000")));

        using HttpResponseMessage fromRequest = await host.PostAsync(InvokePath, Token(DevelopmentAudience));
        await CdsClientTrustTests.AssertUnauthorizedAsync(fromRequest, CdsTokenFailure.AudienceMismatch);
        using HttpResponseMessage fromSetting = await host.PostAsync(InvokePath, Token("http://localhost:5000" + InvokePath));
        Assert.Equal(HttpStatusCode.OK, fromSetting.StatusCode);
    }

    [Fact]
    public async Task BadToken_InDevelopment_StillRefused()
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient());

        using HttpResponseMessage wrongKey = await host.PostAsync(InvokePath, Token(DevelopmentAudience, CdsClientTrustTests.Stranger));
        await CdsClientTrustTests.AssertUnauthorizedAsync(wrongKey, CdsTokenFailure.SigningKeyNotFound);
        using HttpResponseMessage wrongAudience = await host.PostAsync(InvokePath, Token("http://localhost/elsewhere"));
        await CdsClientTrustTests.AssertUnauthorizedAsync(wrongAudience, CdsTokenFailure.AudienceMismatch);
        using HttpResponseMessage garbage = await host.PostAsync(InvokePath, "garbage");
        await CdsClientTrustTests.AssertUnauthorizedAsync(garbage, CdsTokenFailure.Malformed);
    }

    [Theory]
    [InlineData("Bearer", "")]
    [InlineData("Basic", "dXNlcjpwYXNz")]
    public async Task OtherCredentials_InDevelopment_Refused(string scheme, string value)
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient());
        using var request = new HttpRequestMessage(HttpMethod.Post, InvokePath) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", (scheme + " " + value).Trim());
        using HttpResponseMessage response = await host.Client.SendAsync(request);

        await CdsClientTrustTests.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task RequireJwtTrue_InDevelopment_NoTokenRefused()
    {
        await using TrustTestHost host = await StartAsync("Development", InlineClient(("CdsHooks:Auth:RequireJwt", "true")));
        using HttpResponseMessage response = await host.PostAsync(InvokePath, token: null);

        await CdsClientTrustTests.AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task RequireJwtFalse_InProduction_NoTokenAllowed_BadTokenRefused()
    {
        await using TrustTestHost host = await StartAsync("Production", InlineClient(
            ("CdsHooks:Auth:RequireJwt", "false"),
            ("CdsHooks:PublicBaseUrl", BaseUrl)));

        using HttpResponseMessage none = await host.PostAsync(InvokePath, token: null);
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        using HttpResponseMessage bad = await host.PostAsync(InvokePath, Token(DevelopmentAudience));
        await CdsClientTrustTests.AssertUnauthorizedAsync(bad, CdsTokenFailure.AudienceMismatch);
    }

    // ---- the CDS Hooks Sandbox ----

    private static Dictionary<string, string?> SandboxSettings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>();
        Flatten(JsonDocument.Parse(SandboxDevelopmentSettings).RootElement, null, settings);
        foreach ((string key, string? value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static void Flatten(JsonElement element, string? prefix, Dictionary<string, string?> into)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (JsonProperty property in element.EnumerateObject())
                {
                    Flatten(property.Value, prefix is null ? property.Name : prefix + ":" + property.Name, into);
                }

                break;
            case JsonValueKind.Array:
                int i = 0;
                foreach (JsonElement item in element.EnumerateArray())
                {
                    Flatten(item, prefix + ":" + i++, into);
                }

                break;
            default:
                into[prefix!] = element.GetString();
                break;
        }
    }

    [Fact]
    public async Task Sandbox_InDevelopment_PublishedKeyLoadedInline()
    {
        await using TrustTestHost host = await StartAsync("Development", SandboxSettings());
        CdsClientRegistry registry = host.App.Services.GetRequiredService<CdsClientRegistry>();

        Assert.True(registry.TryGet(CdsHooksSandbox.Issuer, out TrustedCdsClient? sandbox));
        Assert.IsType<InlineJwksKeySource>(sandbox.Keys);
        Assert.Equal(CdsHooksSandbox.JwksUri, sandbox.JwksUri);
        JsonWebKey key = Assert.Single(await sandbox.Keys.GetKeysAsync(CdsHooksSandbox.KeyId, CancellationToken.None));
        Assert.Equal("EC", key.Kty);
        Assert.Equal("P-384", key.Crv);
        Assert.Equal(CdsHooksSandbox.KeyX, key.X);
    }

    [Fact]
    public async Task Sandbox_InDevelopment_TokenWithSandboxJku_CheckedAgainstThePublishedKey()
    {
        // Signed by someone else under the sandbox's kid and jku: the inline published key refuses it, nothing is fetched.
        await using TrustTestHost host = await StartAsync("Development", SandboxSettings());
        TestKey forger = TestKey.EcP384(CdsHooksSandbox.KeyId);
        Dictionary<string, object?> header = Header(forger, "ES384");
        header["jku"] = CdsHooksSandbox.JwksUri;
        Dictionary<string, object?> claims = Claims(CdsHooksSandbox.Issuer);
        claims["aud"] = DevelopmentAudience;
        using HttpResponseMessage response = await host.PostAsync(InvokePath, TokenMint.Sign(header, claims, forger.PrivateKey));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.BadSignature);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Sandbox_OutsideDevelopment_StopsStartUp(string environment)
    {
        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(
            () => StartAsync(environment, SandboxSettings(("CdsHooks:PublicBaseUrl", BaseUrl))));

        Assert.Contains("CdsHooks:Auth:Clients:0:Issuer", error.Message, StringComparison.Ordinal);
        Assert.Contains("Development only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SandboxKey_UnderAnotherIssuerName_OutsideDevelopment_StopsStartUp()
    {
        Dictionary<string, string?> settings = SandboxSettings(("CdsHooks:PublicBaseUrl", BaseUrl));
        settings["CdsHooks:Auth:Clients:0:Issuer"] = "https://innocent.example.org";
        settings.Remove("CdsHooks:Auth:Clients:0:JwksUri");

        OptionsValidationException error = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync("Production", settings));
        Assert.Contains("CdsHooks:Auth:Clients:0:Jwks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SandboxClient_OutsideDevelopment_IgnoredByTheRegistryEvenIfValidationWereBypassed()
    {
        var options = new CdsAuthOptions();
        var sandbox = new CdsClientOptions { Issuer = CdsHooksSandbox.Issuer, JwksUri = CdsHooksSandbox.JwksUri };
        options.Clients.Add(sandbox);
        using var registry = new CdsClientRegistry(
            Microsoft.Extensions.Options.Options.Create(options),
            new TestEnvironment("Production"),
            new NoHttpClientFactory(),
            TimeProvider.System,
            NullLogger<CdsClientRegistry>.Instance);

        Assert.Empty(registry.Clients);
        Assert.False(registry.TryGet(CdsHooksSandbox.Issuer, out _));
    }

    private sealed class TestEnvironment(string name) : Microsoft.Extensions.Hosting.IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "tests";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } =
            new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private sealed class NoHttpClientFactory : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => throw new InvalidOperationException("no fetching in this test");
    }
}
