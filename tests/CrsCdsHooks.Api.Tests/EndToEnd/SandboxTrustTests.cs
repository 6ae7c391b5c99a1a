using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// The public CDS Hooks Sandbox (sandbox.cds-hooks.org) signs its ES384 tokens with a published key: the real app
/// trusts it in Development only (appsettings.Development.json) and never in Production. We do not have the
/// sandbox's private key (and would not commit it): a token "from the sandbox" here is a forgery signed with another
/// key, which must be refused everywhere.
/// </summary>
public sealed class SandboxTrustTests
{
    /// <summary>The sandbox's published public key, copied from shared/data/cds-hooks-sandbox-jwks.json.</summary>
    private static readonly JsonObject PublishedKey = new()
    {
        ["kty"] = "EC",
        ["use"] = "sig",
        ["crv"] = "P-384",
        ["kid"] = "44823f3d-0b01-4a6c-a80e-b9d3e8a7226f",
        ["x"] = "dw_JGR8nB2I6XveNxUOl2qk699ZPLM2nYI5STSdiEl9avAkrm3CkfYMbrrjr8laB",
        ["y"] = "Sm3mLE-n1zYNla_aiE3cb3nZsL51RbC7ysw3q8aJLxGm-hx79RPMYpITDjp7kgzy",
        ["alg"] = "ES384",
    };

    private const string SandboxIssuer = "https://sandbox.cds-hooks.org";

    [Fact]
    public void DevelopmentConfiguration_TrustsTheSandboxWithExactlyItsPublishedKey()
    {
        var settings = JsonNode.Parse(File.ReadAllText(RepositoryFiles.PathOf("src", "CrsCdsHooks.Api", "appsettings.Development.json")))!;
        var clients = settings["CdsHooks"]!["Auth"]!["Clients"]!.AsArray();

        var sandbox = Assert.Single(clients, c => c!["Issuer"]!.GetValue<string>() == SandboxIssuer)!;
        // The jku the sandbox sends in every token header: configured so it is accepted (and never fetched).
        Assert.Equal("https://sandbox.cds-hooks.org/.well-known/jwks.json", sandbox["JwksUri"]!.GetValue<string>());
        var jwks = JsonNode.Parse(sandbox["Jwks"]!.GetValue<string>())!;
        var key = Assert.Single(jwks["keys"]!.AsArray())!;
        Assert.True(JsonNode.DeepEquals(PublishedKey, key), "appsettings.Development.json's sandbox key: " + key.ToJsonString());
    }

    [Fact]
    public void ProductionConfiguration_NamesNoSandbox()
    {
        var text = File.ReadAllText(RepositoryFiles.PathOf("src", "CrsCdsHooks.Api", "appsettings.json"));

        Assert.DoesNotContain("sandbox.cds-hooks.org", text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PublishedKey["x"]!.GetValue<string>(), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevelopmentHost_TrustsTheSandbox_WithThePublishedKeyInline()
    {
        using var host = new ApiHost(null);
        var registry = host.Services.GetRequiredService<CdsClientRegistry>();

        Assert.True(registry.TryGet(SandboxIssuer, out var sandbox));
        var key = Assert.Single(await sandbox.Keys.GetKeysAsync(PublishedKey["kid"]!.GetValue<string>(), CancellationToken.None));
        Assert.Equal(PublishedKey["x"]!.GetValue<string>(), key.X);
        Assert.Equal(PublishedKey["y"]!.GetValue<string>(), key.Y);
    }

    [Fact]
    public async Task DevelopmentHost_ForgedSandboxToken_RefusedEvenThoughTokensAreOptional()
    {
        using var host = new ApiHost(null);

        using var response = await PostAsync(host, ForgedSandboxToken("http://localhost" + ApiHost.ServicePath));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.BadSignature);
    }

    [Fact]
    public async Task ProductionHost_DoesNotKnowTheSandbox_AndRefusesItsTokens()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = "https://ehr.example.org",
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(TestKey.EcP384("ehr-1")),
        }, environment: "Production");

        Assert.False(host.Services.GetRequiredService<CdsClientRegistry>().TryGet(SandboxIssuer, out _));
        using var response = await PostAsync(host, ForgedSandboxToken("https://cds.example.org" + ApiHost.ServicePath));
        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.UnknownIssuer);
    }

    [Theory]
    [InlineData("Issuer", SandboxIssuer, "CdsHooks:Auth:Clients:0:Issuer")]
    [InlineData("Jwks", null, "CdsHooks:Auth:Clients:0:Jwks")]
    public void ProductionHost_WithTheSandboxConfigured_RefusesToStart(string by, string? issuer, string namedKey)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:Clients:0:Issuer"] = issuer ?? "https://innocent.example.org",
            ["CdsHooks:Auth:Clients:0:Jwks"] = new JsonObject { ["keys"] = new JsonArray(PublishedKey.DeepClone()) }.ToJsonString(),
        };
        // The start-up validation itself, as the real host runs it: a WebApplicationFactory whose host fails to start
        // sometimes surfaces an ObjectDisposedException from its deferred host instead of the validation error.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["CdsHooks:PublicBaseUrl"] = "https://cds.example.org";
        builder.AddCdsClientTrust();
        using var provider = builder.Services.BuildServiceProvider();

        var error = Record.Exception(() => provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());
        var validation = error as OptionsValidationException
            ?? throw new Xunit.Sdk.XunitException($"sandbox by {by}: expected an OptionsValidationException, got {error}");
        Assert.Contains(namedKey, validation.Message, StringComparison.Ordinal);
        Assert.Contains("Development only", validation.Message, StringComparison.Ordinal);
    }

    /// <summary>A token as the sandbox would send it (iss, kid, jku, ES384, 5 minutes), signed with a key that is not the sandbox's.</summary>
    private static string ForgedSandboxToken(string audience)
    {
        var forger = TestKey.EcP384(PublishedKey["kid"]!.GetValue<string>());
        var header = TrustTestHost.Header(forger, "ES384");
        header["jku"] = "https://sandbox.cds-hooks.org/.well-known/jwks.json";
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = SandboxIssuer,
            ["aud"] = audience,
            ["iat"] = ApiHost.AsOf.AddSeconds(-5).ToUnixTimeSeconds(),
            ["exp"] = ApiHost.AsOf.AddSeconds(295).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        };
        return TokenMint.Sign(header, claims, forger.PrivateKey);
    }

    private static async Task<HttpResponseMessage> PostAsync(ApiHost host, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath)
        {
            Content = new StringContent(HookRequests.PatientView().ToJsonString(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await host.CreateClient().SendAsync(request);
    }
}
