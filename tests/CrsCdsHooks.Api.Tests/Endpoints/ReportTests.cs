using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.EndToEnd;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>
/// <c>GET /reports/feedback</c>: through the real app, core and SQLite store — cards served, feedback on them, and
/// the report per service × card kind × grade summary, with no patient data; off unless enabled; behind the CDS
/// client JWT when one is required.
/// </summary>
public sealed class ReportTests
{
    private const string ReportPath = "/reports/feedback";
    private const string FeedbackPath = ApiHost.ServicePath + "/feedback";

    [Fact]
    public async Task Development_ReportsEachCardKind_AcceptedOverriddenAndWhy_WithoutPatientData()
    {
        using var host = new ApiHost(null, realEvaluator: true, realStore: true);
        using var served = await host.CallAsync(SampleExpectations.Request("sepsis-mimic-positive-blood-culture.json"));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var cards = JsonNode.Parse(await served.Content.ReadAsStringAsync())!["cards"]!.AsArray();
        Assert.Equal(2, cards.Count);
        var (crs, infection) = (cards[0]!, cards[1]!);
        var reason = infection["overrideReasons"]![0]!;
        using var feedback = await host.PostJsonAsync(FeedbackPath, new JsonObject
        {
            ["feedback"] = new JsonArray(
                new JsonObject { ["card"] = crs["uuid"]!.GetValue<string>(), ["outcome"] = "accepted", ["outcomeTimestamp"] = "2025-06-15T11:55:00Z" },
                new JsonObject
                {
                    ["card"] = infection["uuid"]!.GetValue<string>(),
                    ["outcome"] = "overridden",
                    ["outcomeTimestamp"] = "2025-06-15T11:56:00Z",
                    ["overrideReason"] = new JsonObject { ["reason"] = new JsonObject { ["code"] = reason["code"]!.GetValue<string>() }, ["userComment"] = "seen by ID team" },
                }),
        }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, feedback.StatusCode);

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var rows = JsonNode.Parse(body)!["rows"]!.AsArray();
        Assert.Equal(["crs", "infection"], rows.Select(r => r!["cardKind"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.Equal("crs-patient-view", r!["serviceId"]!.GetValue<string>()));
        Assert.All(rows, r => Assert.StartsWith("crs astct2019 ", r!["gradeSummary"]!.GetValue<string>(), StringComparison.Ordinal));
        var crsRow = rows[0]!;
        Assert.Equal((1, 1, 1, 0, 1.0, 0.0), (Long(crsRow, "cardsServed"), Long(crsRow, "feedbackCount"), Long(crsRow, "accepted"), Long(crsRow, "overridden"),
            crsRow["acceptanceRate"]!.GetValue<double>(), crsRow["overrideRate"]!.GetValue<double>()));
        Assert.Empty(crsRow["topOverrideReasons"]!.AsArray());
        var infectionRow = rows[1]!;
        Assert.Equal((1, 0, 1, 1.0), (Long(infectionRow, "cardsServed"), Long(infectionRow, "accepted"), Long(infectionRow, "overridden"), infectionRow["overrideRate"]!.GetValue<double>()));
        var top = Assert.Single(infectionRow["topOverrideReasons"]!.AsArray())!;
        Assert.Equal((reason["code"]!.GetValue<string>(), reason["display"]!.GetValue<string>(), 1L),
            (top["code"]!.GetValue<string>(), top["display"]!.GetValue<string>(), top["count"]!.GetValue<long>()));

        var patientHash = await host.Services.GetRequiredService<IPatientIdHasher>().HashAsync(
            SampleExpectations.Request("sepsis-mimic-positive-blood-culture.json")["context"]!["patientId"]!.GetValue<string>(), CancellationToken.None);
        Assert.DoesNotContain(patientHash, body, StringComparison.Ordinal);
        Assert.DoesNotContain(crs["uuid"]!.GetValue<string>(), body, StringComparison.Ordinal);
        Assert.DoesNotContain("ID team", body, StringComparison.Ordinal);
        Assert.DoesNotContain("hookInstance", body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task NotEnabled_Is404OperationOutcomeNamingTheKey()
    {
        using var host = new ApiHost(null, environment: "Production");

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.NotFound, "CdsHooks:Reports:Enabled");
    }

    [Fact]
    public async Task Development_DisabledExplicitly_Is404()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Reports:Enabled"] = "false" });

        using var response = await host.CreateClient().GetAsync(new Uri(ReportPath, UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task JwtRequired_ReportNeedsAValidCdsClientTokenForItsOwnUrl()
    {
        const string issuer = "https://ehr-report.example.org";
        var key = TestKey.EcP384("report-ec-1");
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:RequireJwt"] = "true",
            ["CdsHooks:Auth:Clients:0:Issuer"] = issuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(key),
            ["CdsHooks:Reports:Enabled"] = "true",
        }, environment: "Production", realStore: true);
        var client = host.CreateClient();

        using var anonymous = await client.GetAsync(new Uri(ReportPath, UriKind.Relative));
        await CdsClientTrustTests.AssertUnauthorizedAsync(anonymous);

        using var wrongAudience = await GetAsync(client, Token(key, issuer, ApiHost.ServicePath));
        await CdsClientTrustTests.AssertUnauthorizedAsync(wrongAudience, CrsCdsHooks.Api.Auth.CdsTokenFailure.AudienceMismatch);

        using var authorised = await GetAsync(client, Token(key, issuer, ReportPath));
        Assert.Equal(HttpStatusCode.OK, authorised.StatusCode);
        Assert.Empty(JsonNode.Parse(await authorised.Content.ReadAsStringAsync())!["rows"]!.AsArray());
    }

    private static long Long(JsonNode row, string name) => row[name]!.GetValue<long>();

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ReportPath);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await client.SendAsync(request);
    }

    private static string Token(TestKey key, string issuer, string path) => TokenMint.Sign(
        TrustTestHost.Header(key, "ES384"),
        new Dictionary<string, object?>
        {
            ["iss"] = issuer,
            ["aud"] = "https://cds.example.org" + path,
            ["iat"] = ApiHost.AsOf.AddSeconds(-10).ToUnixTimeSeconds(),
            ["exp"] = ApiHost.AsOf.AddSeconds(290).ToUnixTimeSeconds(),
            ["jti"] = TrustTestHost.NextJti(),
        },
        key.PrivateKey);
}
