using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// The README's "Point it at a FHIR sandbox" and "Use it from the CDS Hooks Sandbox" sections, replayed on the real
/// app: the request without prefetch, the production configuration example, and a call shaped as the sandbox makes
/// it from a browser (CORS preflight, JWT whose aud is the URL called, JSON with a charset).
/// </summary>
public sealed partial class ReadmeWalkthroughTests
{
    private const string ReadmeOrigin = "http://localhost:5080";
    private const string SandboxOrigin = "https://sandbox.cds-hooks.org";

    private static readonly string Readme = File.ReadAllText(RepositoryFiles.PathOf("README.md"));

    [Fact]
    public async Task FhirSandbox_RequestWithoutPrefetch_QueriesTheTemplatesNarrowedToEligibilityDaysPlusOne()
    {
        var request = JsonNode.Parse(CodeBlocks(Section("Point it at a FHIR sandbox"), "json").Single())!.AsObject();
        Assert.Equal("https://launch.smarthealthit.org/v/r4/fhir", request["fhirServer"]!.GetValue<string>());
        using var fhir = FhirServerStub.Start();
        request["fhirServer"] = fhir.BaseUrl;
        request["context"]!["patientId"] = HookRequests.PatientId;
        using var host = new ApiHost(null, realEvaluator: true);

        using var response = await host.CallAsync(request);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Empty(JsonNode.Parse(body)!["cards"]!.AsArray());
        // 2025-06-15 (the clock) − (30 eligibility days + 1) = 2025-05-15.
        string[] expected =
        [
            "/fhir/AllergyIntolerance?patient=cart-patient-1&clinical-status=active&_sort=-date&_count=100",
            "/fhir/Condition?patient=cart-patient-1&clinical-status=active,recurrence,relapse&_sort=-recorded-date&_count=200",
            "/fhir/MedicationAdministration?patient=cart-patient-1&_include=MedicationAdministration:medication&_sort=-effective-time&_count=500&effective-time=ge2025-05-15",
            "/fhir/Observation?patient=cart-patient-1&category=laboratory&_sort=-date&_count=500&date=ge2025-05-15",
            "/fhir/Observation?patient=cart-patient-1&category=vital-signs&_sort=-date&_count=500&date=ge2025-05-15",
            "/fhir/Patient/cart-patient-1",
            "/fhir/Procedure?patient=cart-patient-1&_sort=-date&_count=200&date=ge2025-05-15",
        ];
        Assert.Equal(expected, fhir.Requests.Select(r => Uri.UnescapeDataString(new Uri(r.RequestMessage!.Url).PathAndQuery)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task FhirSandbox_ProductionExample_StartsRequiresJwtsAndAllowsOnlyTheListedServer()
    {
        var settings = EnvironmentVariables(Section("Point it at a FHIR sandbox"));
        Assert.Contains("CdsHooks:Auth:Clients:0:FhirServers:0", settings.Keys);

        settings["CdsHooks:Auth:RequireJwt"] = null;   // the README leaves it at its Production default
        using (var strict = new ApiHost(settings, environment: "Production"))
        {
            using var anonymous = await strict.CallAsync(HookRequests.PatientView("https://launch.smarthealthit.org/v/r4/fhir"));
            await CdsClientTrustTests.AssertUnauthorizedAsync(anonymous);
        }

        // While JWTs are optional, an anonymous call may use any configured client's servers: the listed one only.
        settings["CdsHooks:Auth:RequireJwt"] = "false";
        using var host = new ApiHost(settings, environment: "Production");
        using var listed = await host.CallAsync(HookRequests.PatientView("https://launch.smarthealthit.org/v/r4/fhir"));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);   // everything prefetched: the server is allowed, not contacted
        using var unlisted = await host.CallAsync(HookRequests.PatientView("https://fhir.elsewhere.example.org/r4"));
        Assert.Equal(HttpStatusCode.Forbidden, unlisted.StatusCode);
    }

    [Fact]
    public void CdsHooksSandbox_DiscoveryAndServiceUrls_AreTheOnesRunServes()
    {
        var section = Section("Use it from the CDS Hooks Sandbox");

        Assert.Contains("`dotnet run --project src/CrsCdsHooks.Api`", section, StringComparison.Ordinal);
        Assert.Contains($"`{ReadmeOrigin}/cds-services`", section, StringComparison.Ordinal);
        Assert.Contains($"`{ReadmeOrigin}{ApiHost.ServicePath}`", section, StringComparison.Ordinal);
        Assert.Contains("\"CAR-T cytokine release\n   syndrome grading\"", section.Replace("\r", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CdsHooksSandbox_BrowserPreflightAndDiscovery_AllowedFromItsOrigin()
    {
        using var host = new ApiHost(null);
        var client = host.CreateClient();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, ApiHost.ServicePath);
        preflight.Headers.Add("Origin", SandboxOrigin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        using var allowed = await client.SendAsync(preflight);
        Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        Assert.Equal("*", Header(allowed, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Header(allowed, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("Authorization", Header(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Content-Type", Header(allowed, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);

        using var discoveryRequest = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        discoveryRequest.Headers.Add("Origin", SandboxOrigin);
        using var discovery = await client.SendAsync(discoveryRequest);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal("*", Header(discovery, "Access-Control-Allow-Origin"));
    }

    /// <summary>
    /// As the sandbox calls from a browser on the service's machine: POST to http://localhost:5080/…, Origin
    /// https://sandbox.cds-hooks.org, <c>application/json;charset=utf-8</c>, a 5-minute ES384 token with a jku whose
    /// aud is the URL called, fhirServer given, every key prefetched. The signer is a test client configured like the
    /// sandbox (inline key + JWKS URL): the sandbox's private key is not ours to use.
    /// </summary>
    [Fact]
    public async Task CdsHooksSandbox_CallShapedAsTheSandboxMakesIt_GradedWithCorsHeaders()
    {
        var key = TestKey.EcP384("sandbox-like-1");
        const string issuer = "https://sandbox-like.example.org";
        const string jku = issuer + "/.well-known/jwks.json";
        using var fhir = FhirServerStub.Start();
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:Clients:1:Issuer"] = issuer,
            ["CdsHooks:Auth:Clients:1:JwksUri"] = jku,
            ["CdsHooks:Auth:Clients:1:Jwks"] = TestKey.Jwks(key),
        }, realEvaluator: true);
        var client = host.CreateClient();
        client.BaseAddress = new Uri(ReadmeOrigin);
        var header = TrustTestHost.Header(key, "ES384");
        header["jku"] = jku;
        var token = TokenMint.Sign(header, new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["aud"] = ReadmeOrigin + ApiHost.ServicePath,
            ["iat"] = ApiHost.AsOf.ToUnixTimeSeconds(),
            ["exp"] = ApiHost.AsOf.AddSeconds(300).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString(),
        }, key.PrivateKey);
        var body = SampleExpectations.Request("astct-grade2-hypotension.json");
        body["fhirServer"] = fhir.BaseUrl;
        using var request = new HttpRequestMessage(HttpMethod.Post, ApiHost.ServicePath)
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json;charset=utf-8");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("Origin", SandboxOrigin);
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await client.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {response.Headers.WwwAuthenticate}: {text}");
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.StartsWith("CRS grade 2", JsonNode.Parse(text)!["cards"]![0]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(fhir.Requests);
    }

    /// <summary>The text of a README section (from its "## " heading to the next).</summary>
    private static string Section(string heading)
    {
        var start = Readme.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no section '{heading}'");
        var end = Readme.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return Readme[start..(end < 0 ? Readme.Length : end)];
    }

    private static List<string> CodeBlocks(string section, string language) =>
        CodeBlock().Matches(section.Replace("\r", "", StringComparison.Ordinal))
            .Where(m => m.Groups["lang"].Value == language).Select(m => m.Groups["code"].Value).ToList();

    /// <summary>The <c>CdsHooks__A__B=value</c> lines of the section's code blocks, as configuration keys.</summary>
    private static Dictionary<string, string?> EnvironmentVariables(string section)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in CodeBlocks(section, "").SelectMany(b => b.Split('\n')))
        {
            var match = EnvironmentLine().Match(line.Trim());
            if (match.Success) settings[match.Groups["name"].Value.Replace("__", ":", StringComparison.Ordinal)] = match.Groups["value"].Value;
        }
        Assert.NotEmpty(settings);
        return settings;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";

    [GeneratedRegex(@"```(?<lang>[a-z]*)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"^(?<name>CdsHooks__[A-Za-z0-9_]+)=(?<value>\S+)$")]
    private static partial Regex EnvironmentLine();
}
