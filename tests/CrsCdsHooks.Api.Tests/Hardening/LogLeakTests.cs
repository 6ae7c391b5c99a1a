using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using Xunit.Abstractions;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// A representative battery at Trace level in every category (ASP.NET Core, HttpClient, Polly, IdentityModel and
/// ours): every sample through the real core, FHIR queries with an access token (retries, a redirect, paging, a
/// broken page), each kind of 4xx, 429, refused tokens of every kind, feedback with a free-text comment. The check
/// itself is the run's <see cref="LeakGuard"/>, which sees every line of every host of the test run as it is written
/// (message, exception text and scopes); this battery makes sure the lines below the default levels are among them.
/// (Endpoints/LogPrivacyTests checks single calls at the default levels.)
/// </summary>
public sealed class LogLeakTests(ITestOutputHelper output) : IDisposable
{
    private const string BatteryToken = "battery-access-token-7f3a9c51e0";
    private const string Comment = "Jane Doe MRN SYN-S99 had sepsis";
    private static readonly TestKey Key = TestKey.EcP384("ehr-key-1");

    private readonly FhirServerStub _fhir = FhirServerStub.Start();
    private readonly ManualTimeProvider _clock = new(ApiHost.AsOf);

    public void Dispose() => _fhir.Dispose();

    [Fact]
    public async Task RepresentativeBattery_AtTraceLevel_LogsNoTokenNoIdentifierNoResourceBody()
    {
        var calls = 0;
        var everyLevel = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Trace",
            ["Logging:LogLevel:Microsoft"] = "Trace",
            ["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace",
            ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Trace",
            ["Logging:LogLevel:Polly"] = "Trace",
            ["CdsHooks:RateLimit:PermitLimit"] = "200",
        };

        // Development, real core: every sample as prefetched, then with its vital signs and labs on the FHIR server.
        using (var host = new ApiHost(everyLevel, realEvaluator: true))
        using (var client = host.CreateClient())
        {
            foreach (var (_, sample) in HostileCorpus.Samples)
            {
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, ApiHost.ServicePath, sample.ToJsonString())).StatusCode);
                calls++;
            }
            foreach (var (_, sample) in HostileCorpus.Samples.Take(6))
            {
                var patientId = sample["context"]!["patientId"]!.GetValue<string>();
                _fhir.ServesPatient(patientId);
                _fhir.ServesVitalSigns(sample["prefetch"]!["vitalSigns"]!.DeepClone().AsObject());
                var request = sample.DeepClone().AsObject();
                request["fhirServer"] = _fhir.BaseUrl;
                request["fhirAuthorization"] = Authorization(BatteryToken);
                request["prefetch"]!.AsObject().Remove("vitalSigns");
                request["prefetch"]!.AsObject().Remove("laboratory");
                request["prefetch"]!.AsObject().Remove("patient");
                Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, ApiHost.ServicePath, request.ToJsonString())).StatusCode);
                calls++;
            }
            // FHIR server faults, with the token: retries of a 503, a redirect, a next page elsewhere, a broken page.
            _fhir.Server.Given(Request.Create().WithPath("/fhir/Procedure").UsingGet()).AtPriority(1).RespondWith(Response.Create().WithStatusCode(503));
            _fhir.Server.Given(Request.Create().WithPath("/fhir/Condition").UsingGet()).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", $"https://elsewhere.example/fhir/Condition?patient={PatientId}&access_token={BatteryToken}"));
            _fhir.ServesPage("/fhir/AllergyIntolerance", BundleWithNext($"https://elsewhere.example/fhir/page?patient={PatientId}", Temperature("t-elsewhere")));
            _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "laboratory").UsingGet()).AtPriority(1)
                .RespondWith(Response.Create().WithStatusCode(200).WithBody($"{{\"resourceType\":\"Bundle\",\"entry\":[{{\"resource\":{{\"resourceType\":\"Observation\",\"subject\":\"Patient/{PatientId}\""));
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, ApiHost.ServicePath,
                PatientView(_fhir.BaseUrl, BatteryToken).WithoutPrefetch("procedures", "conditions", "allergies", "laboratory").ToJsonString())).StatusCode);
            calls++;

            // Each kind of refusal, with identifiers in the refused parts.
            var bad = PatientView();
            bad["hookInstance"] = PatientId;
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, ApiHost.ServicePath, bad.ToJsonString())).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, ApiHost.ServicePath, PatientView().ToJsonString()[..200])).StatusCode);
            Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(client, ApiHost.ServicePath, PatientView().ToJsonString().Replace($"\"{PatientId}\"", $"\"{PatientId}\\uD800\"", StringComparison.Ordinal))).StatusCode);
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(client, ApiHost.ServicePath, PatientView().ToJsonString(), "text/plain")).StatusCode);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(client, ApiHost.ServicePath, HostileCorpus.BundleRequest(30_000, minimal: true))).StatusCode);
            Assert.Equal(HttpStatusCode.PreconditionFailed, (await PostAsync(client, ApiHost.ServicePath, PatientView().WithoutPrefetch("vitalSigns").ToJsonString())).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, ApiHost.ServicePath + "/feedback",
                $"{{\"feedback\":[{{\"card\":\"5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02\",\"outcome\":\"overridden\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\",\"overrideReason\":{{\"reason\":{{\"code\":\"not-crs\"}},\"userComment\":\"{Comment}\"}}}}]}}")).StatusCode);
            calls += 7;
            Assert.Contains(host.Logs.Entries, e => e.Text.Contains(HookInstance, StringComparison.Ordinal)); // the lines are those of these calls
            AssertNoLeak(host.Logs, "Development battery", calls);
        }

        // Production, JWT required: good and refused tokens of every kind; then the rate limit.
        var production = new Dictionary<string, string?>(everyLevel)
        {
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = RealAppTokenTests.Issuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(Key),
            ["CdsHooks:RateLimit:PermitLimit"] = "12",
        };
        using (var host = new ApiHost(production, environment: "Production"))
        using (var app = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(_clock))))
        using (var client = app.CreateClient())
        {
            calls = 0;
            var tokens = new List<string>
            {
                Token(Key, c => { }),
                Token(TestKey.EcP384(Key.Kid), c => { }),                           // bad signature
                Token(Key, c => c["exp"] = ApiHost.AsOf.AddHours(-1).ToUnixTimeSeconds()), // expired
                Token(Key, c => c["aud"] = "https://evil.example/cds-services"),     // wrong audience
                Token(Key, c => c["iss"] = "https://unknown.example"),                // unknown issuer
                Token(Key, c => c["sub"] = $"Patient/{PatientId}"),                   // good, with a patient as subject
                "eyJhbGciOiJub25lIn0.eyJpc3MiOiJodHRwczovL2Voci5leGFtcGxlLm9yZyJ9.",  // alg none
                "not.a.jwt",
            };
            var answers = new List<HttpStatusCode>();
            foreach (var token in tokens)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath) { Content = new StringContent(PatientView().ToJsonString(), Encoding.UTF8, "application/json") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                answers.Add((await client.SendAsync(request)).StatusCode);
                calls++;
            }
            Assert.Equal(2, answers.Count(a => a == HttpStatusCode.OK));
            Assert.Equal(6, answers.Count(a => a == HttpStatusCode.Unauthorized));
            for (var i = 0; i < 10; i++, calls++) await PostAsync(client, ApiHost.ServicePath, PatientView().ToJsonString()); // 401s, then 429s
            Assert.Contains(host.Logs.Entries, e => e.EventId == 17); // a 429 was logged
            Assert.Contains(host.Logs.Entries, e => e.EventId == 3001); // and refused tokens
            AssertNoLeak(host.Logs, "Production battery", calls);
        }
    }

    /// <summary>
    /// The battery's own figure; the check is the run's <see cref="LeakGuard"/> (message, exception text and scopes of
    /// every line, as it was written), which also fails the host's disposal.
    /// </summary>
    private void AssertNoLeak(CapturingLoggerProvider logs, string battery, int calls)
    {
        var lines = logs.Entries.ToList();
        var leaks = logs.Leaks.Violations.ToList();
        var scoped = lines.Count(l => l.Scopes.Count > 0);
        var categories = lines.Select(l => l.Category).Distinct().Count();
        output.WriteLine($"{battery}: {calls} calls, {lines.Count} log lines ({scoped} with scopes) from {categories} categories, {leaks.Count} leaks");
        foreach (var leak in leaks.Take(20)) output.WriteLine(leak);
        Assert.True(leaks.Count == 0, string.Join("\n", leaks.Take(20)));
        Assert.Contains(lines, l => l.Level <= Microsoft.Extensions.Logging.LogLevel.Debug); // below the default levels really was captured
        Assert.Contains(lines, l => l.Scopes.Any(s => s.Contains("RequestPath", StringComparison.Ordinal))); // and the request's scopes with them
        ReliabilityFigures.Record($"5 no leaks: {battery}",
            $"{calls} calls, {lines.Count} log lines at Trace level from {categories} categories ({scoped} with scopes): 0 access tokens, 0 JWTs, 0 patient or user ids, identifiers or names of the samples, 0 resource bodies or patient URLs");
    }

    private string Token(TestKey key, Action<Dictionary<string, object?>> change)
    {
        var now = _clock.GetUtcNow();
        var claims = new Dictionary<string, object?>
        {
            ["iss"] = RealAppTokenTests.Issuer,
            ["aud"] = RealAppTokenTests.PublicBaseUrl + ApiHost.ServicePath,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(5).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        };
        change(claims);
        return TokenMint.Sign(TrustTestHost.Header(key, "ES384"), claims, key.PrivateKey);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string body, string contentType = "application/json")
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return await client.PostAsync(new Uri(path, UriKind.Relative), content);
    }

}
