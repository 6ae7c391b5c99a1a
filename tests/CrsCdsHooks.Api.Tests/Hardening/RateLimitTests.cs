using System.Net;
using System.Net.Http.Headers;
using System.Text;

using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// CdsHooks:RateLimit: each CDS client (its JWT issuer; an anonymous caller by address) has its own fixed window;
/// over it, 429 with Retry-After, an OperationOutcome and the CORS headers; one client's flood leaves the others alone.
/// </summary>
public sealed class RateLimitTests
{
    private const string OtherIssuer = "https://other-ehr.example.org";
    private static readonly TestKey Key = TestKey.EcP384("ehr-key-1");
    private static readonly TestKey OtherKey = TestKey.EcP384("other-key-1");
    private readonly ManualTimeProvider _clock = new(ApiHost.AsOf);

    [Fact]
    public async Task ClientOverItsLimit_Gets429WithRetryAfterAnOutcomeAndCors_WhileOtherClientsAndAnonymousCallersGoOn()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:RateLimit:PermitLimit"] = "3",
            ["CdsHooks:RateLimit:Window"] = "00:10:00",
            ["CdsHooks:Auth:Clients:0:Issuer"] = RealAppTokenTests.Issuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(Key),
            ["CdsHooks:Auth:Clients:1:Issuer"] = OtherIssuer,
            ["CdsHooks:Auth:Clients:1:Jwks"] = TestKey.Jwks(OtherKey),
            ["CdsHooks:Cors:AllowedOrigins:0"] = RealAppTokenTests.SandboxOrigin,
        }, environment: "Production"); // JWT optional here (ApiHost), so anonymous calls are allowed too
        using var app = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock)));
        using var client = app.CreateClient();

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, Token(RealAppTokenTests.Issuer, Key))).StatusCode);
        var refused = await CallAsync(client, Token(RealAppTokenTests.Issuer, Key));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(refused, HttpStatusCode.TooManyRequests, "CdsHooks:RateLimit:PermitLimit");
        var retryAfter = int.Parse(Assert.Single(refused.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 600);
        Assert.Equal(RealAppTokenTests.SandboxOrigin, Assert.Single(refused.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Contains("Retry-After", string.Join(",", refused.Headers.GetValues("Access-Control-Expose-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(3, host.Evaluator.Inputs.Count); // the refused call never reached the core

        // Another client, and anonymous callers, have windows of their own.
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, Token(OtherIssuer, OtherKey))).StatusCode);
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client, token: null)).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client, Token(OtherIssuer, OtherKey))).StatusCode);
    }

    [Fact]
    public async Task ForgedTokens_CountAgainstTheCallersAddress_NotAgainstTheClientTheyName()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:RateLimit:PermitLimit"] = "2",
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = RealAppTokenTests.Issuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(Key),
        }, environment: "Production");
        using var app = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock)));
        using var client = app.CreateClient();
        var forger = TestKey.EcP384(Key.Kid); // same kid, another key: the signature fails

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(RealAppTokenTests.Issuer, forger))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(client, Token(RealAppTokenTests.Issuer, forger))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client, Token(RealAppTokenTests.Issuer, forger))).StatusCode);

        // The real client, whose issuer the forger used, is not throttled by it.
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, Token(RealAppTokenTests.Issuer, Key))).StatusCode);
        ReliabilityFigures.Record("3 tokens: rate limit", "a client over CdsHooks:RateLimit gets 429 + Retry-After + OperationOutcome + CORS; other clients, anonymous callers and the client a forger names are not affected");
    }

    [Fact]
    public async Task HealthProbesAreNeverLimited()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:RateLimit:PermitLimit"] = "1" });
        using var client = host.CreateClient();

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Disabled_NoLimit()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:RateLimit:PermitLimit"] = "1", ["CdsHooks:RateLimit:Enabled"] = "false" });
        using var client = host.CreateClient();

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, token: null)).StatusCode);
    }

    private string Token(string issuer, TestKey key)
    {
        var now = _clock.GetUtcNow();
        return TokenMint.Sign(TrustTestHost.Header(key, "ES384"), new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["aud"] = RealAppTokenTests.PublicBaseUrl + ApiHost.ServicePath,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        }, key.PrivateKey);
    }

    private static async Task<HttpResponseMessage> CallAsync(HttpClient client, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath)
        {
            Content = new StringContent(HookRequests.PatientView().ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", RealAppTokenTests.SandboxOrigin);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }
}
