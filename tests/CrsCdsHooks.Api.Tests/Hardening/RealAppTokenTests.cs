using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;

using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

using Xunit.Abstractions;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// CDS client tokens through the real service (Program.cs, Production, JWT required), not the trust-only host of
/// Auth/: the client's keys come from a JWKS URL that WireMock serves, and the JWKS host goes down, slows, answers
/// garbage and rotates its keys while the service runs.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class RealAppTokenTests(ITestOutputHelper output) : IDisposable
{
    public const string Issuer = "https://ehr.example.org";
    public const string PublicBaseUrl = "https://cds.example.org";
    public const string SandboxOrigin = "https://sandbox.cds-hooks.org";
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    private static readonly TestKey Key = TestKey.EcP384("ehr-key-1");
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromMilliseconds(500);

    private readonly WireMockServer _jwks = StartWarm();
    private readonly ManualTimeProvider _clock = new(ApiHost.AsOf);

    private readonly List<ApiHost> _hosts = [];

    /// <summary>Stops the JWKS host and disposes every service host (which fails the test if one of its log lines leaked).</summary>
    public void Dispose()
    {
        _jwks.Stop();
        foreach (var host in _hosts) host.Dispose();
    }

    [Fact]
    public async Task GoodEs384Token_IsAcceptedByTheServiceAndByFeedback_AndNoTokenIs401()
    {
        ServeJwks(TestKey.Jwks(Key));
        using var app = Start(JwksUrl);
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, FeedbackPath, Token(FeedbackPath))).StatusCode);
        await CdsClientTrustTests.AssertUnauthorizedAsync(await CallAsync(client, ApiHost.ServicePath, token: null));
        await CdsClientTrustTests.AssertUnauthorizedAsync(await CallAsync(client, ApiHost.ServicePath, Token(FeedbackPath))); // audience of another endpoint
        ReliabilityFigures.Record("3 tokens: real service", "ES384 token from a JWKS URL accepted on crs-patient-view and on feedback; none, or another endpoint's audience, 401");
    }

    public static TheoryData<string> JwksFailures() => new() { "down", "slow", "500", "html", "not a key set", "keys of another type", "empty key set", "2 MB" };

    [Theory]
    [MemberData(nameof(JwksFailures))]
    public async Task JwksHostFailing_Is401Quickly_EvenForConcurrentCalls(string failure)
    {
        var url = JwksUrl;
        switch (failure)
        {
            case "down": url = $"http://127.0.0.1:{ClosedPort()}/jwks.json"; break;
            case "slow": _jwks.Given(Request.Create().WithPath("/jwks.json")).RespondWith(Response.Create().WithBody(TestKey.Jwks(Key)).WithDelay(TimeSpan.FromSeconds(3))); break;
            case "500": _jwks.Given(Request.Create().WithPath("/jwks.json")).RespondWith(Response.Create().WithStatusCode(500)); break;
            case "html": _jwks.Given(Request.Create().WithPath("/jwks.json")).RespondWith(Response.Create().WithHeader("Content-Type", "text/html").WithBody("<html>maintenance</html>")); break;
            case "not a key set": ServeJwks("{\"keys\":\"ehr-key-1\"}"); break;
            case "keys of another type": ServeJwks("{\"keys\":[{\"kty\":\"oct\",\"kid\":\"ehr-key-1\",\"k\":\"c2VjcmV0\"}]}"); break;
            case "empty key set": ServeJwks("{\"keys\":[]}"); break;
            case "2 MB": ServeJwks("{\"keys\":[],\"padding\":\"" + new string('x', 2_000_000) + "\"}"); break;
        }
        using var app = Start(url);
        using var client = app.CreateClient();
        await client.GetAsync(new Uri("/cds-services", UriKind.Relative)); // start the host

        var clock = Stopwatch.StartNew();
        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath))));
        clock.Stop();

        foreach (var answer in answers) await CdsClientTrustTests.AssertUnauthorizedAsync(answer);
        output.WriteLine($"{failure}: 8 concurrent calls refused in {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < FetchTimeout + TimeSpan.FromSeconds(1.5), $"8 calls took {clock.ElapsedMilliseconds} ms with a {FetchTimeout.TotalMilliseconds} ms JWKS timeout");
        Assert.True(_jwks.LogEntries.Count <= 1, $"the JWKS host was asked {_jwks.LogEntries.Count} times"); // one fetch, then rate-limited
        ReliabilityFigures.Record($"3 tokens: JWKS host {failure}", $"8 concurrent calls all 401 within {clock.ElapsedMilliseconds} ms (JWKS timeout {FetchTimeout.TotalMilliseconds} ms); the JWKS host asked at most once");
    }

    [Fact]
    public async Task JwksHostDownAfterKeysWereFetched_CachedKeysKeepWorking()
    {
        ServeJwks(TestKey.Jwks(Key));
        using var app = Start(JwksUrl);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath))).StatusCode);

        _jwks.Reset();
        _jwks.Given(Request.Create().WithPath("/jwks.json")).RespondWith(Response.Create().WithStatusCode(503));
        _clock.Advance(TimeSpan.FromHours(2)); // past the refresh interval: the service tries the JWKS host again, which fails

        var clock = Stopwatch.StartNew();
        var response = await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath));
        clock.Stop();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_jwks.LogEntries); // it did try
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, FeedbackPath, Token(FeedbackPath))).StatusCode);
        ReliabilityFigures.Record("3 tokens: cached keys during a JWKS outage", $"token accepted in {clock.ElapsedMilliseconds} ms while the JWKS host answers 503");
    }

    [Fact]
    public async Task KeyRotation_NewKidIsPickedUp_AndTheOldKeyStopsWorkingWhenWithdrawn()
    {
        ServeJwks(TestKey.Jwks(Key));
        using var app = Start(JwksUrl);
        using var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath))).StatusCode);

        var next = TestKey.EcP384("ehr-key-2");
        ServeJwks(TestKey.Jwks(next));
        _clock.Advance(TimeSpan.FromSeconds(31)); // past the minimum refetch interval

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath, next))).StatusCode);
        // ehr-key-1 was withdrawn from the JWK Set: it no longer works.
        await CdsClientTrustTests.AssertUnauthorizedAsync(await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath)));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client, ApiHost.ServicePath, Token(ApiHost.ServicePath, next))).StatusCode);
        ReliabilityFigures.Record("3 tokens: key rotation", "a new kid is fetched and accepted on first use; the withdrawn kid is refused");
    }

    [Fact]
    public async Task RefusedToken_401CarriesCorsHeaders_SoABrowserCanReadIt()
    {
        ServeJwks(TestKey.Jwks(Key));
        using var app = Start(JwksUrl);
        using var client = app.CreateClient();

        foreach (var token in new[] { null, "not-a-jwt", Token(FeedbackPath), Token(ApiHost.ServicePath, TestKey.EcP384("stranger")) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath) { Content = Json(HookRequests.PatientView().ToJsonString()) };
            request.Headers.Add("Origin", SandboxOrigin);
            if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);

            using var response = await client.SendAsync(request);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal(SandboxOrigin, Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        }
        ReliabilityFigures.Record("3 tokens: CORS on 401", "4 kinds of refused token: every 401 carries Access-Control-Allow-Origin");
    }

    private string JwksUrl => $"http://127.0.0.1:{_jwks.Ports[0]}/jwks.json";

    private void ServeJwks(string json)
    {
        _jwks.Reset();
        _jwks.Given(Request.Create().WithPath("/jwks.json").UsingGet()).RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody(json));
    }

    /// <summary>The real service in Production with one trusted client whose keys are at <paramref name="jwksUrl"/>.</summary>
    private WebApplicationFactory<Program> Start(string jwksUrl, IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:JwksFetchTimeout"] = FetchTimeout.ToString(),
            ["CdsHooks:Auth:Clients:0:Issuer"] = Issuer,
            ["CdsHooks:Auth:Clients:0:JwksUri"] = jwksUrl,
            ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>()) settings[key] = value;
        var host = new ApiHost(settings, environment: "Production");
        _hosts.Add(host);
        return host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock)));
    }

    private string Token(string path, TestKey? key = null)
    {
        key ??= Key;
        var now = _clock.GetUtcNow();
        return TokenMint.Sign(
            TrustTestHost.Header(key, "ES384"),
            new Dictionary<string, object?>
            {
                ["iss"] = Issuer,
                ["aud"] = PublicBaseUrl + path,
                ["iat"] = now.ToUnixTimeSeconds(),
                ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
                ["jti"] = TrustTestHost.NextJti(),
            },
            key.PrivateKey);
    }

    private static async Task<HttpResponseMessage> CallAsync(HttpClient client, string path, string? token)
    {
        var body = path.EndsWith("/feedback", StringComparison.Ordinal)
            ? "{\"feedback\":[{\"card\":\"5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}]}"
            : HookRequests.PatientView().ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>A JWKS host that has answered once already (a cold WireMock can be slower than the 500 ms JWKS timeout).</summary>
    private static WireMockServer StartWarm()
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{ClosedPort()}"] });
        using (var warm = new HttpClient()) warm.GetAsync(new Uri(server.Url + "/warm-up")).GetAwaiter().GetResult().Dispose();
        server.ResetLogEntries();
        return server;
    }

    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
