using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// CDS client JWTs on the real app in Production (JWT required, <c>CdsHooks:PublicBaseUrl</c> set, real core and
/// endpoints): one client with an inline JWKS (ES384 key), one whose JWKS URL is served by WireMock (RS384 key). Each
/// token's <c>aud</c> is the public base URL plus the exact path called, so the service call and its feedback need
/// different tokens.
/// </summary>
public sealed class TokenTests : IAsyncLifetime
{
    private const string PublicBaseUrl = "https://cds.example.org";
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";
    private const string InlineIssuer = "https://ehr-inline.example.org";
    private const string RemoteIssuer = "https://ehr-remote.example.org";
    private const string JwksPath = "/.well-known/jwks.json";
    private const string Sample = "astct-grade2-hypotension.json";
    private const string BrowserEhrOrigin = "https://ehr-web.example.org";

    private static readonly TestKey Ec = TestKey.EcP384("e2e-ec-1");
    private static readonly TestKey Rsa = TestKey.Rsa("e2e-rsa-1");
    private static readonly TestKey Stranger = TestKey.EcP384("e2e-ec-1");

    private WireMockServer _jwks = null!;
    private ApiHost _host = null!;

    public Task InitializeAsync()
    {
        _jwks = WireMockServer.Start();
        _jwks.Given(Request.Create().WithPath(JwksPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(TestKey.Jwks(Rsa)));
        _host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:PublicBaseUrl"] = PublicBaseUrl,
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = InlineIssuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(Ec),
            ["CdsHooks:Auth:Clients:1:Issuer"] = RemoteIssuer,
            ["CdsHooks:Auth:Clients:1:JwksUri"] = _jwks.Url + JwksPath,
            ["CdsHooks:Cors:AllowedOrigins:0"] = BrowserEhrOrigin,
        }, environment: "Production", realEvaluator: true);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _jwks.Stop();
        _jwks.Dispose();
    }

    [Fact]
    public async Task Es384_InlineJwksClient_AcceptedOnServiceCallAndFeedback()
    {
        var cardUuid = await AssertServiceCallGradedAsync(EcToken(ApiHost.ServicePath));

        using var feedback = await PostFeedbackAsync(cardUuid, EcToken(FeedbackPath));
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Contains(_host.Store.Feedback, f => f.CardUuid == cardUuid);
    }

    [Fact]
    public async Task Rs384_JwksUrlClient_AcceptedOnServiceCallAndFeedback_KeysFetchedFromItsUrl()
    {
        var cardUuid = await AssertServiceCallGradedAsync(RsaToken(ApiHost.ServicePath));

        using var feedback = await PostFeedbackAsync(cardUuid, RsaToken(FeedbackPath));
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);
        Assert.Contains(_jwks.LogEntries, e => e.RequestMessage?.Path == JwksPath);
    }

    [Fact]
    public async Task ServiceCallToken_OnFeedback_RefusedForItsAudience()
    {
        using var response = await PostFeedbackAsync("5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02", EcToken(ApiHost.ServicePath));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.AudienceMismatch);
        Assert.Empty(_host.Store.Feedback);
    }

    [Fact]
    public async Task FeedbackToken_OnServiceCall_RefusedForItsAudience()
    {
        using var response = await PostSampleAsync(EcToken(FeedbackPath));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.AudienceMismatch);
    }

    [Theory]
    [InlineData("http://localhost" + ApiHost.ServicePath)]
    [InlineData(PublicBaseUrl)]
    [InlineData(PublicBaseUrl + "/cds-services")]
    [InlineData(PublicBaseUrl + ApiHost.ServicePath + "/")]
    public async Task AudienceOtherThanPublicBaseUrlPlusExactPath_Refused(string audience)
    {
        using var response = await PostSampleAsync(Mint(Ec, "ES384", InlineIssuer, c => c["aud"] = audience));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.AudienceMismatch);
    }

    [Fact]
    public async Task NoToken_401WithEmptyBody_OnServiceCallAndFeedback()
    {
        using var call = await PostSampleAsync(token: null);
        await CdsClientTrustTests.AssertUnauthorizedAsync(call);

        using var feedback = await PostFeedbackAsync("5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02", token: null);
        await CdsClientTrustTests.AssertUnauthorizedAsync(feedback);
        Assert.Empty(_host.Store.Feedback);
    }

    [Fact]
    public async Task NoToken_FromAnAllowedBrowserOrigin_401StillCarriesCorsHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath)
        {
            Content = new StringContent(SampleExpectations.Request(Sample).ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Origin", BrowserEhrOrigin);

        using var response = await _host.CreateClient().SendAsync(request);

        await CdsClientTrustTests.AssertUnauthorizedAsync(response);
        Assert.Equal(BrowserEhrOrigin, response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task TokenSignedByAnotherKeyUnderTheClientsKid_Refused()
    {
        using var response = await PostSampleAsync(Mint(Stranger, "ES384", InlineIssuer, ApiHost.ServicePath));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.BadSignature);
    }

    [Fact]
    public async Task ExpiredToken_Refused()
    {
        using var response = await PostSampleAsync(Mint(Ec, "ES384", InlineIssuer, c =>
        {
            c["iat"] = ApiHost.AsOf.AddMinutes(-20).ToUnixTimeSeconds();
            c["exp"] = ApiHost.AsOf.AddMinutes(-10).ToUnixTimeSeconds();
        }));

        await CdsClientTrustTests.AssertUnauthorizedAsync(response, CdsTokenFailure.Expired);
    }

    [Fact]
    public async Task ReplayedToken_RefusedTheSecondTime()
    {
        var token = EcToken(ApiHost.ServicePath);
        using var first = await PostSampleAsync(token);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);

        using var second = await PostSampleAsync(token);
        await CdsClientTrustTests.AssertUnauthorizedAsync(second, CdsTokenFailure.ReplayedJti);
    }

    [Fact]
    public async Task Discovery_OpenWithoutToken()
    {
        using var response = await _host.CreateClient().GetAsync(new Uri("/cds-services", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var service = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["services"]!.AsArray().Single()!;
        Assert.Equal("crs-patient-view", service["id"]!.GetValue<string>());
    }

    private static string EcToken(string path) => Mint(Ec, "ES384", InlineIssuer, path);

    private static string RsaToken(string path) => Mint(Rsa, "RS384", RemoteIssuer, path);

    private static string Mint(TestKey key, string alg, string issuer, string path) =>
        Mint(key, alg, issuer, c => c["aud"] = PublicBaseUrl + path);

    /// <summary>A token issued 10 s before the host's clock, valid 5 minutes (as the CDS Hooks Sandbox does).</summary>
    private static string Mint(TestKey key, string alg, string issuer, Action<Dictionary<string, object?>> claims)
    {
        var c = new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["sub"] = "ehr-client",
            ["aud"] = PublicBaseUrl + ApiHost.ServicePath,
            ["iat"] = ApiHost.AsOf.AddSeconds(-10).ToUnixTimeSeconds(),
            ["exp"] = ApiHost.AsOf.AddSeconds(290).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        };
        claims(c);
        return TokenMint.Sign(TrustTestHost.Header(key, alg), c, key.PrivateKey);
    }

    /// <summary>Posts the grade 2 sample; asserts the real core graded it; returns the CRS card's uuid.</summary>
    private async Task<string> AssertServiceCallGradedAsync(string token)
    {
        using var response = await PostSampleAsync(token);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body} {response.Headers.WwwAuthenticate}");
        var card = JsonNode.Parse(body)!["cards"]!.AsArray().Single()!;
        Assert.StartsWith("CRS grade 2", card["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        return card["uuid"]!.GetValue<string>();
    }

    private Task<HttpResponseMessage> PostSampleAsync(string? token) =>
        SendAsync(ApiHost.ServicePath, SampleExpectations.Request(Sample).ToJsonString(), token);

    private Task<HttpResponseMessage> PostFeedbackAsync(string cardUuid, string? token) =>
        SendAsync(FeedbackPath, new JsonObject
        {
            ["feedback"] = new JsonArray(new JsonObject
            {
                ["card"] = cardUuid,
                ["outcome"] = "accepted",
                ["outcomeTimestamp"] = "2025-06-15T11:55:00Z",
            }),
        }.ToJsonString(), token);

    private async Task<HttpResponseMessage> SendAsync(string path, string json, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await _host.CreateClient().SendAsync(request);
    }
}
