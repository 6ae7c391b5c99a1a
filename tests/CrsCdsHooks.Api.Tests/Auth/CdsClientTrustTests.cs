using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

using CrsCdsHooks.Api.Auth;

using Microsoft.IdentityModel.Tokens;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

using static CrsCdsHooks.Api.Tests.Auth.TrustTestHost;

namespace CrsCdsHooks.Api.Tests.Auth;

/// <summary>
/// A hostile CDS client against the trust rules of CDS-HOOKS.md: real tokens signed with test keys, the remote
/// client's JWKS served by WireMock on loopback, the inline client's JWKS in configuration. Production environment.
/// </summary>
public sealed class CdsClientTrustTests : IAsyncLifetime
{
    internal static readonly TestKey Ec = TestKey.EcP384("ec-1");
    internal static readonly TestKey Rsa = TestKey.Rsa("rsa-1");
    internal static readonly TestKey Stranger = TestKey.EcP384("stranger");
    private const string JwksPath = "/jwks";

    private WireMockServer _jwks = null!;
    private TrustTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _jwks = WireMockServer.Start();
        ServeJwks(TestKey.Jwks(Ec));
        // A cold WireMock can take longer than the 500 ms JWKS timeout to answer its first request on a loaded
        // machine, which refused the first token of a test now and then: warm it up, then forget the request.
        using (var warm = new HttpClient()) (await warm.GetAsync(new Uri(_jwks.Url + JwksPath))).Dispose();
        _jwks.ResetLogEntries();
        _host = await StartAsync("Production", Settings());
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        _jwks.Stop();
        _jwks.Dispose();
    }

    internal Dictionary<string, string?> Settings() => new()
    {
        ["CdsHooks:PublicBaseUrl"] = BaseUrl,
        ["CdsHooks:Auth:JwksFetchTimeout"] = "00:00:00.500",
        ["CdsHooks:Auth:Clients:0:Issuer"] = RemoteIssuer,
        ["CdsHooks:Auth:Clients:0:JwksUri"] = _jwks.Url + JwksPath,
        ["CdsHooks:Auth:Clients:0:FhirServers:0"] = "https://fhir.example.org/r4",
        ["CdsHooks:Auth:Clients:1:Issuer"] = InlineIssuer,
        ["CdsHooks:Auth:Clients:1:Jwks"] = TestKey.Jwks(Rsa),
        ["CdsHooks:Auth:Clients:1:Tenants:0"] = "hospital-a",
        ["CdsHooks:Auth:Clients:1:Tenants:1"] = "hospital-b",
    };

    private void ServeJwks(string body, int status = 200, TimeSpan? delay = null)
    {
        _jwks.ResetMappings();
        IResponseBuilder response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);
        if (delay is not null)
        {
            response = response.WithDelay(delay.Value);
        }

        _jwks.Given(Request.Create().WithPath(JwksPath).UsingGet()).RespondWith(response);
    }

    private int JwksFetches => _jwks.LogEntries.Count(e => e.RequestMessage?.Path == JwksPath);

    private static string EcToken(Action<Dictionary<string, object?>>? claims = null, Action<Dictionary<string, object?>>? header = null, TestKey? key = null)
    {
        key ??= Ec;
        Dictionary<string, object?> h = Header(key, "ES384");
        Dictionary<string, object?> c = Claims(RemoteIssuer);
        header?.Invoke(h);
        claims?.Invoke(c);
        return TokenMint.Sign(h, c, key.PrivateKey);
    }

    private static string RsaToken(string alg = "RS384", Action<Dictionary<string, object?>>? claims = null)
    {
        Dictionary<string, object?> c = Claims(InlineIssuer);
        c["tenant"] = "hospital-a";
        claims?.Invoke(c);
        return TokenMint.Sign(Header(Rsa, alg), c, Rsa.PrivateKey);
    }

    private async Task AssertRefusedAsync(string token, CdsTokenFailure because, string path = InvokePath)
    {
        using HttpResponseMessage response = await _host.PostAsync(path, token);
        await AssertUnauthorizedAsync(response, because);
    }

    internal static async Task AssertUnauthorizedAsync(HttpResponseMessage response, CdsTokenFailure because)
    {
        await AssertUnauthorizedAsync(response);
        Assert.Contains(
            $"error_description=\"{CdsTokenRejectedException.Describe(because)}\"",
            response.Headers.WwwAuthenticate.ToString(),
            StringComparison.Ordinal);
    }

    internal static async Task AssertUnauthorizedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    private async Task<JsonElement> AssertAcceptedAsync(string token, string path = InvokePath)
    {
        using HttpResponseMessage response = await _host.PostAsync(path, token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    // ---- accepted ----

    [Fact]
    public async Task Es384FromJwksUrl_Accepted_AndClientExposed()
    {
        JsonElement body = await AssertAcceptedAsync(EcToken(c => c["sub"] = "Practitioner/123"));

        Assert.Equal(RemoteIssuer, body.GetProperty("issuer").GetString());
        Assert.Equal("Practitioner/123", body.GetProperty("subject").GetString());
        Assert.Equal("https://fhir.example.org/r4", body.GetProperty("fhirServers")[0].GetString());
    }

    [Fact]
    public async Task Rs384FromInlineJwks_Accepted_WithTenant()
    {
        JsonElement body = await AssertAcceptedAsync(RsaToken());

        Assert.Equal(InlineIssuer, body.GetProperty("issuer").GetString());
        Assert.Equal("hospital-a", body.GetProperty("tenant").GetString());
    }

    [Theory]
    [InlineData("RS256")]
    [InlineData("RS512")]
    [InlineData("PS256")]
    [InlineData("PS384")]
    [InlineData("PS512")]
    public async Task OtherAsymmetricRsaAlgorithms_Accepted(string alg)
    {
        await AssertAcceptedAsync(RsaToken(alg));
    }

    [Fact]
    public async Task FeedbackEndpoint_AcceptsTokenWithFeedbackAudience()
    {
        await AssertAcceptedAsync(EcToken(c => c["aud"] = BaseUrl + FeedbackPath), FeedbackPath);
    }

    [Fact]
    public async Task AudienceAsOneElementArray_Accepted()
    {
        await AssertAcceptedAsync(EcToken(c => c["aud"] = new[] { BaseUrl + InvokePath }));
    }

    [Fact]
    public async Task SubAndNbf_Accepted()
    {
        await AssertAcceptedAsync(EcToken(c =>
        {
            c["sub"] = "client-app";
            c["nbf"] = T0.ToUnixTimeSeconds();
        }));
    }

    [Fact]
    public async Task JkuEqualToConfiguredJwksUrl_Accepted()
    {
        await AssertAcceptedAsync(EcToken(header: h => h["jku"] = _jwks.Url + JwksPath));
    }

    // ---- algorithm ----

    [Fact]
    public async Task AlgNone_Refused()
    {
        Dictionary<string, object?> header = Header(Ec, "none");
        await AssertRefusedAsync(TokenMint.Sign(header, Claims(RemoteIssuer), key: null), CdsTokenFailure.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task Hs256SignedWithThePublicKeyAsHmacSecret_Refused()
    {
        // The classic confusion: verify-with-public-key code that lets the token choose HS256.
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Rsa.PublicPem));
        Dictionary<string, object?> claims = Claims(InlineIssuer);
        claims["tenant"] = "hospital-a";
        await AssertRefusedAsync(TokenMint.Sign(Header(Rsa, "HS256"), claims, secret), CdsTokenFailure.AlgorithmNotAllowed);

        var jwkSecret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(TestKey.Jwks(Ec)));
        await AssertRefusedAsync(TokenMint.Sign(Header(Ec, "HS256"), Claims(RemoteIssuer), jwkSecret), CdsTokenFailure.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task Hs256WithAnySecret_Refused()
    {
        var secret = new SymmetricSecurityKey(new byte[32]);
        await AssertRefusedAsync(TokenMint.Sign(Header(Ec, "HS256"), Claims(RemoteIssuer), secret), CdsTokenFailure.AlgorithmNotAllowed);
    }

    [Fact]
    public async Task Es384HeaderOnRsaKey_Refused()
    {
        // alg and key family disagree: no key of the client can verify it.
        Dictionary<string, object?> claims = Claims(InlineIssuer);
        claims["tenant"] = "hospital-a";
        await AssertRefusedAsync(TokenMint.Sign(Header(Rsa, "ES384"), claims, Ec.PrivateKey), CdsTokenFailure.SigningKeyNotFound);
    }

    [Fact]
    public async Task TamperedPayload_Refused()
    {
        string token = EcToken();
        string[] parts = token.Split('.');
        Dictionary<string, object?> claims = Claims(RemoteIssuer);
        claims["sub"] = "someone-else";
        await AssertRefusedAsync(parts[0] + "." + TokenMint.Encode(claims) + "." + parts[2], CdsTokenFailure.BadSignature);
    }

    [Fact]
    public async Task TypOtherThanJwt_Refused()
    {
        await AssertRefusedAsync(EcToken(header: h => h["typ"] = "at+jwt"), CdsTokenFailure.NotJwtType);
    }

    [Fact]
    public async Task CriticalHeaderExtension_Refused()
    {
        await AssertRefusedAsync(EcToken(header: h =>
        {
            h["crit"] = new[] { "exp-ext" };
            h["exp-ext"] = 1;
        }), CdsTokenFailure.CriticalHeader);
    }

    [Theory]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzM4NCJ9.eyJpc3MiOiJ4In0")]
    public async Task Garbage_Refused(string token)
    {
        await AssertRefusedAsync(token, CdsTokenFailure.Malformed);
    }

    [Theory]
    [InlineData("exp", "soon")]
    [InlineData("iat", "now")]
    [InlineData("nbf", "later")]
    [InlineData("jti", 42)]
    [InlineData("aud", 42)]
    public async Task ClaimOfTheWrongType_Refused(string claim, object value)
    {
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, EcToken(c => c[claim] = value));
        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task TenantOfTheWrongType_Refused()
    {
        await AssertRefusedAsync(RsaToken(claims: c => c["tenant"] = new[] { "hospital-a" }), CdsTokenFailure.TenantNotAllowed);
    }

    [Fact]
    public async Task IssuerOfTheWrongType_Refused()
    {
        // Microsoft.IdentityModel reads iss as a string while parsing: a token with another type is unreadable.
        await AssertRefusedAsync(EcToken(c => c["iss"] = 12345), CdsTokenFailure.Malformed);
        await AssertRefusedAsync(EcToken(c => c["iss"] = new[] { RemoteIssuer }), CdsTokenFailure.Malformed);
    }

    [Fact]
    public async Task OversizedToken_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c["padding"] = new string('x', 300_000)), CdsTokenFailure.Malformed);
    }

    // ---- audience ----

    [Fact]
    public async Task AudienceOfAnotherEndpoint_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c["aud"] = BaseUrl + FeedbackPath), CdsTokenFailure.AudienceMismatch);
        await AssertRefusedAsync(EcToken(c => c["aud"] = BaseUrl + InvokePath), CdsTokenFailure.AudienceMismatch, FeedbackPath);
    }

    [Theory]
    [InlineData("https://evil.example.org/cds-services/crs-patient-view")]
    [InlineData("http://cds.example.org/cds-services/crs-patient-view")]
    [InlineData("https://cds.example.org/cds-services/crs-patient-view/")]
    [InlineData("https://cds.example.org/cds-services")]
    [InlineData("https://cds.example.org")]
    [InlineData("")]
    public async Task AudienceOfAnotherUrl_Refused(string audience)
    {
        await AssertRefusedAsync(EcToken(c => c["aud"] = audience), CdsTokenFailure.AudienceMismatch);
    }

    [Fact]
    public async Task AudienceArrayWithTwoValues_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c["aud"] = new[] { BaseUrl + InvokePath, "https://other.example.org" }), CdsTokenFailure.AudienceMismatch);
    }

    [Fact]
    public async Task AudienceMissing_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c.Remove("aud")), CdsTokenFailure.AudienceMismatch);
    }

    [Fact]
    public async Task AudienceFromRequestHostHeader_NotTrustedOutsideDevelopment()
    {
        // The audience comes from PublicBaseUrl, never from what the request says its host is.
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://evil.example.org" + InvokePath)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new("Bearer", EcToken(c => c["aud"] = "http://evil.example.org" + InvokePath));
        using HttpResponseMessage response = await _host.Client.SendAsync(request);
        await AssertUnauthorizedAsync(response);
    }

    // ---- time ----

    [Theory]
    [InlineData(59, HttpStatusCode.OK)]
    [InlineData(60, HttpStatusCode.Unauthorized)]
    [InlineData(3600, HttpStatusCode.Unauthorized)]
    public async Task Expired_RefusedBeyondClockSkew(int secondsAfterExp, HttpStatusCode expected)
    {
        _host.Clock.Now = T0.AddMinutes(5).AddSeconds(secondsAfterExp);
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, EcToken());
        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(60, HttpStatusCode.OK)]
    [InlineData(61, HttpStatusCode.Unauthorized)]
    [InlineData(86400, HttpStatusCode.Unauthorized)]
    public async Task IssuedInTheFuture_RefusedBeyondClockSkew(int secondsAhead, HttpStatusCode expected)
    {
        _host.Clock.Now = T0;
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, EcToken(c =>
        {
            c["iat"] = T0.AddSeconds(secondsAhead).ToUnixTimeSeconds();
            c["exp"] = T0.AddSeconds(secondsAhead).AddMinutes(5).ToUnixTimeSeconds();
        }));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task NotBeforeInTheFuture_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c["nbf"] = T0.AddMinutes(3).ToUnixTimeSeconds()), CdsTokenFailure.NotYetValid);
    }

    [Theory]
    [InlineData(900, HttpStatusCode.OK)]
    [InlineData(901, HttpStatusCode.Unauthorized)]
    [InlineData(86400, HttpStatusCode.Unauthorized)]
    public async Task LifetimeLongerThanFifteenMinutes_Refused(int lifetimeSeconds, HttpStatusCode expected)
    {
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, EcToken(c => c["exp"] = T0.AddSeconds(lifetimeSeconds).ToUnixTimeSeconds()));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task ExpiresBeforeIssued_Refused()
    {
        await AssertRefusedAsync(EcToken(c =>
        {
            c["iat"] = T0.AddSeconds(30).ToUnixTimeSeconds();
            c["exp"] = T0.AddSeconds(20).ToUnixTimeSeconds();
        }), CdsTokenFailure.LifetimeTooLong);
    }

    [Theory]
    [InlineData("exp")]
    [InlineData("iat")]
    public async Task MissingTimeClaim_Refused(string claim)
    {
        await AssertRefusedAsync(EcToken(c => c.Remove(claim)), CdsTokenFailure.MissingTimes);
    }

    // ---- issuer, keys, jku ----

    [Fact]
    public async Task UnknownIssuer_Refused_WithoutFetchingAnyKey()
    {
        int before = JwksFetches;
        await AssertRefusedAsync(EcToken(c => c["iss"] = "https://unknown.example.org"), CdsTokenFailure.UnknownIssuer);
        await AssertRefusedAsync(EcToken(c => c.Remove("iss")), CdsTokenFailure.UnknownIssuer);
        Assert.Equal(before, JwksFetches);
    }

    [Fact]
    public async Task IssuerOfAnotherClient_SignedWithThisClientsKey_Refused()
    {
        // Keys are per client: the remote client's EC key does not speak for the inline client.
        await AssertRefusedAsync(EcToken(c =>
        {
            c["iss"] = InlineIssuer;
            c["tenant"] = "hospital-a";
        }), CdsTokenFailure.SigningKeyNotFound);
    }

    [Fact]
    public async Task UnknownKid_RefetchesOnce_ThenRefused_AndRefetchIsRateLimited()
    {
        await AssertAcceptedAsync(EcToken());
        Assert.Equal(1, JwksFetches);

        _host.Clock.Advance(TimeSpan.FromSeconds(31));
        await AssertRefusedAsync(EcToken(key: Stranger), CdsTokenFailure.SigningKeyNotFound);
        Assert.Equal(2, JwksFetches);

        // Within the minimum refetch interval, more unknown kids do not reach the JWKS host.
        for (int i = 0; i < 5; i++)
        {
            await AssertRefusedAsync(EcToken(key: TestKey.EcP384("random-" + i)), CdsTokenFailure.SigningKeyNotFound);
        }

        Assert.Equal(2, JwksFetches);

        _host.Clock.Advance(TimeSpan.FromSeconds(30));
        await AssertRefusedAsync(EcToken(key: Stranger), CdsTokenFailure.SigningKeyNotFound);
        Assert.Equal(3, JwksFetches);
    }

    [Fact]
    public async Task KnownKidSignedByAnotherKey_Refused()
    {
        TestKey impostor = TestKey.EcP384(Ec.Kid);
        await AssertRefusedAsync(EcToken(key: impostor), CdsTokenFailure.BadSignature);
    }

    [Fact]
    public async Task KeyRotation_NewKidPickedUpAfterJwksChanges()
    {
        await AssertAcceptedAsync(EcToken());
        TestKey next = TestKey.EcP384("ec-2");
        ServeJwks(TestKey.Jwks(next));
        _host.Clock.Advance(TimeSpan.FromMinutes(2));

        await AssertAcceptedAsync(EcToken(key: next));
        Assert.Equal(2, JwksFetches);
    }

    [Fact]
    public async Task ForeignJku_Refused_AndNeverFetched()
    {
        // The attacker publishes its own key and points jku at it.
        _jwks.Given(Request.Create().WithPath("/attacker-jwks").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(TestKey.Jwks(Stranger)));
        string token = EcToken(key: Stranger, header: h => h["jku"] = _jwks.Url + "/attacker-jwks");

        await AssertRefusedAsync(token, CdsTokenFailure.ForeignJku);

        // A client with inline keys and no JwksUri may send no jku at all.
        Dictionary<string, object?> header = Header(Rsa, "RS384");
        header["jku"] = "https://inline.example.org/jwks";
        Dictionary<string, object?> claims = Claims(InlineIssuer);
        claims["tenant"] = "hospital-a";
        await AssertRefusedAsync(TokenMint.Sign(header, claims, Rsa.PrivateKey), CdsTokenFailure.ForeignJku);

        Assert.DoesNotContain(_jwks.LogEntries, e => e.RequestMessage?.Path == "/attacker-jwks");
    }

    // ---- tenant, jti ----

    [Theory]
    [InlineData("hospital-c")]
    [InlineData("HOSPITAL-A")]
    [InlineData(null)]
    public async Task TenantNotListed_Refused(string? tenant)
    {
        await AssertRefusedAsync(RsaToken(claims: c => c["tenant"] = tenant), CdsTokenFailure.TenantNotAllowed);
    }

    [Fact]
    public async Task TenantOfAClientThatListsNone_AnyAccepted()
    {
        await AssertAcceptedAsync(EcToken(c => c["tenant"] = "whatever"));
    }

    [Fact]
    public async Task MissingJti_Refused()
    {
        await AssertRefusedAsync(EcToken(c => c.Remove("jti")), CdsTokenFailure.MissingJti);
        await AssertRefusedAsync(EcToken(c => c["jti"] = ""), CdsTokenFailure.MissingJti);
        await AssertRefusedAsync(EcToken(c => c["jti"] = new string('x', 257)), CdsTokenFailure.MissingJti);
    }

    [Fact]
    public async Task ReplayedJti_Refused()
    {
        string token = EcToken();
        await AssertAcceptedAsync(token);
        await AssertRefusedAsync(token, CdsTokenFailure.ReplayedJti);

        // Even on the other endpoint with a fresh signature and the same jti.
        string jti = JsonDocument.Parse(Base64UrlEncoder.Decode(token.Split('.')[1])).RootElement.GetProperty("jti").GetString()!;
        await AssertRefusedAsync(EcToken(c =>
        {
            c["jti"] = jti;
            c["aud"] = BaseUrl + FeedbackPath;
        }), CdsTokenFailure.ReplayedJti, FeedbackPath);
    }

    [Fact]
    public async Task SameJtiSentConcurrently_OnlyOneAccepted()
    {
        string token = EcToken();
        await AssertAcceptedAsync(EcToken()); // warm the key cache
        HttpResponseMessage[] responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => _host.PostAsync(InvokePath, token)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        Assert.Equal(7, responses.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        foreach (HttpResponseMessage response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task RefusedTokenOfAFailedCheck_DoesNotConsumeItsJti()
    {
        string jti = NextJti();
        await AssertRefusedAsync(EcToken(c =>
        {
            c["jti"] = jti;
            c["aud"] = "https://evil.example.org" + InvokePath;
        }), CdsTokenFailure.AudienceMismatch);
        await AssertAcceptedAsync(EcToken(c => c["jti"] = jti));
    }

    // ---- missing token, response shape, logs ----

    [Fact]
    public async Task MissingToken_WhenRequired_Refused()
    {
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, token: null);
        await AssertUnauthorizedAsync(response);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task OtherAuthorizationScheme_WhenRequired_Refused()
    {
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, "dXNlcjpwYXNz", scheme: "Basic");
        await AssertUnauthorizedAsync(response);
    }

    [Fact]
    public async Task Refusal_SaysWhichCheckFailed_WithoutEchoingTheToken()
    {
        string token = EcToken(c => c["aud"] = "https://evil.example.org/x");
        using HttpResponseMessage response = await _host.PostAsync(InvokePath, token);

        string challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        Assert.Contains("audience", challenge, StringComparison.Ordinal);
        Assert.DoesNotContain("evil", challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Logs_NameIssuerAndJti_NeverTheToken()
    {
        string jti = NextJti();
        string refused = EcToken(c =>
        {
            c["jti"] = jti;
            c["exp"] = T0.AddHours(2).ToUnixTimeSeconds();
        });
        string refusedSignature = TokenMint.Sign(Header(Stranger, "ES384"), Claims(RemoteIssuer), Stranger.PrivateKey);
        string badSignature = EcToken(key: TestKey.EcP384(Ec.Kid));
        string accepted = EcToken();
        using HttpResponseMessage r1 = await _host.PostAsync(InvokePath, refused);
        using HttpResponseMessage r2 = await _host.PostAsync(InvokePath, refusedSignature);
        using HttpResponseMessage r3 = await _host.PostAsync(InvokePath, badSignature);
        using HttpResponseMessage r4 = await _host.PostAsync(InvokePath, accepted);

        string log = string.Join("\n", _host.Logs.Lines);
        Assert.Contains("LifetimeTooLong", log, StringComparison.Ordinal);
        Assert.Contains(jti, log, StringComparison.Ordinal);
        Assert.Contains(RemoteIssuer, log, StringComparison.Ordinal);
        Assert.Contains("BadSignature", log, StringComparison.Ordinal);
        foreach (string token in new[] { refused, refusedSignature, badSignature, accepted })
        {
            foreach (string part in token.Split('.'))
            {
                Assert.DoesNotContain(part, log, StringComparison.Ordinal);
            }
        }
    }

    // ---- JWKS host trouble ----

    [Fact]
    public async Task JwksHostSlow_RefusedQuickly()
    {
        ServeJwks(TestKey.Jwks(Ec), delay: TimeSpan.FromSeconds(10));
        var watch = Stopwatch.StartNew();
        await AssertRefusedAsync(EcToken(), CdsTokenFailure.SigningKeyNotFound);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData(200, "this is not json")]
    [InlineData(200, "{\"keys\":[]}")]
    [InlineData(200, "{\"keys\":[{\"kty\":\"oct\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0\",\"kid\":\"ec-1\"}]}")]
    [InlineData(500, "")]
    [InlineData(404, "")]
    public async Task JwksGarbageOrError_Refused(int status, string body)
    {
        ServeJwks(body, status);
        await AssertRefusedAsync(EcToken(), CdsTokenFailure.SigningKeyNotFound);
    }

    [Fact]
    public async Task JwksRedirect_NotFollowed()
    {
        _jwks.ResetMappings();
        _jwks.Given(Request.Create().WithPath(JwksPath).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", _jwks.Url + "/elsewhere"));
        _jwks.Given(Request.Create().WithPath("/elsewhere").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithBody(TestKey.Jwks(Ec)));

        await AssertRefusedAsync(EcToken(), CdsTokenFailure.SigningKeyNotFound);
        Assert.DoesNotContain(_jwks.LogEntries, e => e.RequestMessage?.Path == "/elsewhere");
    }

    [Fact]
    public async Task JwksHostDown_RefusedQuickly()
    {
        _jwks.Stop();
        var watch = Stopwatch.StartNew();
        await AssertRefusedAsync(EcToken(), CdsTokenFailure.SigningKeyNotFound);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(3), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task CachedKeys_KeepWorkingDuringJwksOutage()
    {
        await AssertAcceptedAsync(EcToken());
        ServeJwks(string.Empty, status: 503);

        // Past the refresh interval: the refresh fails, the cached key still verifies.
        _host.Clock.Advance(TimeSpan.FromHours(2));
        await AssertAcceptedAsync(EcToken(c =>
        {
            c["iat"] = _host.Clock.Now.ToUnixTimeSeconds();
            c["exp"] = _host.Clock.Now.AddMinutes(5).ToUnixTimeSeconds();
        }));
        Assert.Equal(2, JwksFetches);
    }
}
