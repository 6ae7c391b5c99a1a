using System.Net;
using System.Security.Claims;

using CrsCdsHooks.Api.FhirServer;
using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.Infrastructure;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>The service never calls an arbitrary host: outside Development only configured FHIR servers (403 otherwise).</summary>
public sealed class FhirServerAllowListTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    [Fact]
    public async Task Production_UnlistedFhirServer_Is403AndIsNeverCalled()
    {
        using var host = new ApiHost(null, environment: "Production");

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.Forbidden, "CdsHooks:Auth:Clients:N:FhirServers:M");
        Assert.Empty(_fhir.Requests);
    }

    [Fact]
    public async Task Production_UnlistedFhirServer_Is403EvenWhenEverythingIsPrefetched()
    {
        using var host = new ApiHost(null, environment: "Production");

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    public async Task Production_ClientListedFhirServer_IsCalledWithoutAuth(string trailing)
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:Clients:0:Issuer"] = "https://ehr.example.org",
            ["CdsHooks:Auth:Clients:0:Jwks"] = Auth.TestKey.Jwks(Auth.TestKey.EcP384("ehr-key")),
            ["CdsHooks:Auth:Clients:0:FhirServers:0"] = "https://other.example.org/fhir",
            ["CdsHooks:Auth:Clients:0:FhirServers:1"] = _fhir.BaseUrl + trailing,
        }, environment: "Production");

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fhir.RequestsTo("/fhir/Observation"));
    }

    [Fact]
    public async Task AllowAnyServer_IsTheDevelopmentDefault()
    {
        using var host = new ApiHost(null);

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Development_AllowAnyServerSwitchedOff_Is403()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Fhir:AllowAnyServer"] = "false" });

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void AuthenticatedClient_MayUseOnlyItsOwnServers()
    {
        var policy = Policy(
            ("https://ehr-a.example.org", "https://fhir-a.example.org/r4"),
            ("https://ehr-b.example.org", "https://fhir-b.example.org/r4"));

        Assert.True(policy.IsAllowed(new Uri("https://fhir-a.example.org/r4"), Client("https://ehr-a.example.org")));
        Assert.False(policy.IsAllowed(new Uri("https://fhir-b.example.org/r4"), Client("https://ehr-a.example.org")));
        Assert.True(policy.IsAllowed(new Uri("https://fhir-b.example.org/r4"), new ClaimsPrincipal(new ClaimsIdentity())));
        Assert.False(policy.IsAllowed(new Uri("https://fhir-a.example.org/r4"), Client("https://unknown.example.org")));
    }

    [Theory]
    [InlineData("https://fhir.example.org/r4", "https://fhir.example.org/r4", true)]
    [InlineData("https://fhir.example.org/r4/", "https://fhir.example.org/r4", true)]
    [InlineData("https://FHIR.example.org/r4", "https://fhir.example.org/r4", true)]
    [InlineData("https://fhir.example.org/r4", "https://fhir.example.org/R4", false)]
    [InlineData("https://fhir.example.org/r4", "https://fhir.example.org/r4/Patient", false)]
    [InlineData("https://fhir.example.org/r4", "http://fhir.example.org/r4", false)]
    [InlineData("https://fhir.example.org/r4", "https://fhir.example.org:8443/r4", false)]
    [InlineData("https://fhir.example.org/r4", "https://fhir.example.org.evil.example/r4", false)]
    public void ListedServer_MatchesOnlyItsExactBase(string listed, string requested, bool allowed)
    {
        var policy = Policy(("https://ehr.example.org", listed));

        Assert.Equal(allowed, policy.IsAllowed(new Uri(requested), new ClaimsPrincipal(new ClaimsIdentity())));
    }

    [Theory]
    [InlineData("https://fhir.example.org/r4/Observation?page=2", true)]
    [InlineData("https://fhir.example.org/r4?_getpages=abc", true)]
    [InlineData("https://fhir.example.org/r4-other/Observation", false)]
    [InlineData("https://fhir.example.org/admin", false)]
    [InlineData("https://evil.example/r4/Observation", false)]
    [InlineData("http://fhir.example.org/r4/Observation", false)]
    public void NextLink_MustLieUnderTheFhirServerBase(string next, bool followed)
    {
        Assert.Equal(followed, FhirServerPolicy.IsUnderBase(new Uri(next), new Uri("https://fhir.example.org/r4/")));
    }

    private static FhirServerPolicy Policy(params (string Issuer, string Server)[] clients)
    {
        var list = new CrsCdsHooks.Api.Options.FhirServerAllowList();
        foreach (var (issuer, server) in clients)
            list.Clients.Add(new CrsCdsHooks.Api.Options.ClientFhirServers(issuer, [new("key", server)]));
        return new FhirServerPolicy(
            Microsoft.Extensions.Options.Options.Create(new CrsCdsHooks.Api.Options.FhirServerOptions { AllowAnyServer = false }),
            Microsoft.Extensions.Options.Options.Create(list));
    }

    private static ClaimsPrincipal Client(string issuer) =>
        new(new ClaimsIdentity([new Claim("iss", issuer, ClaimValueTypes.String, issuer)], authenticationType: "test"));
}
