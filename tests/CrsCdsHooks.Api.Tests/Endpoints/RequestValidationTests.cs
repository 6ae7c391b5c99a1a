using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Grading;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>400s: what a malformed or incomplete hook request gets, and what is never rejected.</summary>
public sealed class RequestValidationTests(SharedApiHost host) : IClassFixture<SharedApiHost>
{
    [Fact]
    public async Task Call_CompleteRequest_Is200WithTheEvaluatorsCards()
    {
        var response = await host.CallAsync(HookRequests.PatientView());

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var card = JsonNode.Parse(body)!["cards"]!.AsArray().Single()!;
        Assert.Equal(FakeEvaluator.CardSummary, card["summary"]!.GetValue<string>());
        Assert.StartsWith("00000000-0000-4000-8000-", card["uuid"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("null", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_MalformedJson_Is400SayingWhere()
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, "{\"hook\": \"patient-view\", ");

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "not valid JSON");
    }

    [Theory]
    [InlineData("{\"hook\":", "line 1, byte 9")]
    [InlineData("{\"hook\":\"patient-view\"", "line 1, byte 23")]
    [InlineData("{\"hook\":\"patient-vi", "line 1, byte 20")]
    [InlineData("{\n  \"hook\": \"patient-view\",\n  \"context\": {", "line 3, byte 15")]
    [InlineData("{\"hook\":\"patient-view\",\"context\":{\"patientId\":\"p1\"", null)]
    [InlineData("[{\"a\":[1,2", null)]
    [InlineData("{\"a\":tru", null)]
    public async Task Call_TruncatedJson_Is400SayingItEndsTooSoon_NotNamingTheDepthLimit(string body, string? where)
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, body);

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "the JSON ends before it is complete (line ");
        if (where is not null) Assert.Contains($"({where})", text, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxJsonDepth", text, StringComparison.Ordinal);
        Assert.DoesNotContain("nesting", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_TruncatedJson_Is400SayingItEndsTooSoon()
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath + "/feedback", "{\"feedback\":[{\"card\":");

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "the JSON ends before it is complete");
        Assert.DoesNotContain("MaxJsonDepth", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(65, true)]
    [InlineData(100, true)]
    [InlineData(100, false)]   // too deep and cut off: the depth is what to fix first
    public async Task Call_JsonNestedPastTheLimit_Is400NamingTheDepthLimit(int depth, bool closed)
    {
        var body = new string('[', depth) + (closed ? new string(']', depth) : "");

        var response = await host.PostJsonAsync(ApiHost.ServicePath, body);

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "nesting deeper than 64 levels (CdsHooks:Limits:MaxJsonDepth)");
        Assert.DoesNotContain("ends before", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_JsonNestedExactlyToTheLimit_IsNotRefusedForDepth()
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, new string('[', 64) + new string(']', 64));

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "must be a JSON object");
        Assert.DoesNotContain("MaxJsonDepth", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"hook\": x}")]
    [InlineData("{\"hook\":\"patient-view\"}}")]
    [InlineData("{} {}")]
    public async Task Call_MalformedButComplete_Is400SayingMalformed_NeitherCutOffNorTooDeep(string body)
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, body);

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "malformed JSON");
        Assert.DoesNotContain("MaxJsonDepth", text, StringComparison.Ordinal);
        Assert.DoesNotContain("ends before", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_EmptyBody_Is400()
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, "");

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "empty");
    }

    [Fact]
    public async Task Call_JsonArray_Is400()
    {
        var response = await host.PostJsonAsync(ApiHost.ServicePath, "[]");

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "must be a JSON object");
    }

    [Fact]
    public async Task Call_DuplicatePatientIdMember_Is400()
    {
        var json = HookRequests.PatientView().ToJsonString().Replace("\"patientId\":", "\"patientId\":\"other\",\"patientId\":", StringComparison.Ordinal);

        var response = await host.PostJsonAsync(ApiHost.ServicePath, json);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "member appears twice");
    }

    [Fact]
    public async Task Call_NestingDeeperThanTheLimit_Is400NamingTheKey()
    {
        var deep = new string('[', 100) + new string(']', 100);
        var json = HookRequests.PatientView().ToJsonString().Replace("\"hook\":", $"\"deep\":{deep},\"hook\":", StringComparison.Ordinal);

        var response = await host.PostJsonAsync(ApiHost.ServicePath, json);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "CdsHooks:Limits:MaxJsonDepth");
    }

    [Theory]
    [InlineData("hook", "hook is required")]
    [InlineData("hookInstance", "hookInstance is required")]
    [InlineData("context", "context is required")]
    public async Task Call_MissingRequiredMember_Is400NamingIt(string member, string expected)
    {
        var request = HookRequests.PatientView();
        request.Remove(member);

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("patientId", "context.patientId is required")]
    [InlineData("userId", "context.userId is required")]
    public async Task Call_MissingContextField_Is400NamingIt(string field, string expected)
    {
        var request = HookRequests.PatientView();
        request["context"]!.AsObject().Remove(field);

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, expected);
    }

    [Theory]
    [InlineData("order-sign")]
    [InlineData("PATIENT-VIEW")]
    [InlineData("")]
    public async Task Call_HookOtherThanPatientView_Is400(string hook)
    {
        var request = HookRequests.PatientView();
        request["hook"] = hook;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "send \"patient-view\"");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("d1577c69dfbe44adba6d3e05e953b2ea")]
    [InlineData("{d1577c69-dfbe-44ad-ba6d-3e05e953b2ea}")]
    [InlineData("")]
    public async Task Call_HookInstanceNotAUuid_Is400(string hookInstance)
    {
        var request = HookRequests.PatientView();
        request["hookInstance"] = hookInstance;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "must be a UUID");
    }

    [Fact]
    public async Task Call_HookInstanceAsNumber_Is400()
    {
        var request = HookRequests.PatientView();
        request["hookInstance"] = 42;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "must be a UUID");
    }

    [Theory]
    [InlineData("oncologist-1")]
    [InlineData("Device/pump-1")]
    [InlineData("Practitioner/")]
    [InlineData("Practitioner/a/b")]
    [InlineData("practitioner/1")]
    public async Task Call_UserIdNotAUserReference_Is400(string userId)
    {
        var request = HookRequests.PatientView();
        request["context"]!["userId"] = userId;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "ResourceType/id");
    }

    [Theory]
    [InlineData("PractitionerRole/r-1")]
    [InlineData("Patient/p.2")]
    [InlineData("RelatedPerson/rp-3")]
    public async Task Call_EveryPatientViewUserType_IsAccepted(string userId)
    {
        var request = HookRequests.PatientView();
        request["context"]!["userId"] = userId;

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("../Observation")]
    [InlineData("p 1")]
    [InlineData("p1?_count=1")]
    public async Task Call_PatientIdNotAFhirId_Is400(string patientId)
    {
        var request = HookRequests.PatientView();
        request["context"]!["patientId"] = patientId;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "context.patientId");
    }

    [Fact]
    public async Task Call_PatientIdOf65Characters_Is400()
    {
        var request = HookRequests.PatientView();
        request["context"]!["patientId"] = new string('a', 65);

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "context.patientId");
    }

    [Fact]
    public async Task Call_FhirAuthorizationWithoutFhirServer_Is400()
    {
        var request = HookRequests.PatientView();
        request["fhirAuthorization"] = HookRequests.Authorization();

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "fhirServer is required when fhirAuthorization is present");
    }

    [Theory]
    [InlineData("access_token")]
    [InlineData("token_type")]
    [InlineData("expires_in")]
    [InlineData("scope")]
    [InlineData("subject")]
    public async Task Call_FhirAuthorizationMissingAField_Is400NamingIt(string field)
    {
        var request = HookRequests.PatientView(fhirServer: "https://fhir.example.org/r4", accessToken: HookRequests.AccessToken);
        request["fhirAuthorization"]!.AsObject().Remove(field);

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, $"fhirAuthorization.{field}");
    }

    [Fact]
    public async Task Call_FhirAuthorizationNotBearer_Is400()
    {
        var request = HookRequests.PatientView(fhirServer: "https://fhir.example.org/r4", accessToken: HookRequests.AccessToken);
        request["fhirAuthorization"]!["token_type"] = "MAC";

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "must be \"Bearer\"");
    }

    [Fact]
    public async Task Call_FhirAuthorizationAsString_Is400()
    {
        var request = HookRequests.PatientView(fhirServer: "https://fhir.example.org/r4");
        request["fhirAuthorization"] = "Bearer abc";

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "fhirAuthorization must be an object");
    }

    [Theory]
    [InlineData("fhir.example.org/r4")]
    [InlineData("ftp://fhir.example.org/r4")]
    [InlineData("https://fhir.example.org/r4?tenant=1")]
    [InlineData("https://user:pass@fhir.example.org/r4")]
    public async Task Call_FhirServerNotAnHttpBaseUrl_Is400(string fhirServer)
    {
        var request = HookRequests.PatientView();
        request["fhirServer"] = fhirServer;

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "fhirServer must be");
    }

    [Fact]
    public async Task Call_PrefetchValueNotAResource_Is400NamingTheKey()
    {
        var request = HookRequests.PatientView();
        request.Prefetch()["vitalSigns"] = "Bundle";

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "prefetch.vitalSigns");
    }

    [Fact]
    public async Task Call_SeveralProblems_AreAllReported()
    {
        var request = HookRequests.PatientView();
        request["hook"] = "order-sign";
        request["hookInstance"] = "x";
        request["context"]!.AsObject().Remove("patientId");

        var texts = await OperationOutcomeAssert.IsOutcomeAsync(await host.CallAsync(request), HttpStatusCode.BadRequest);

        Assert.Equal(3, texts.Count);
    }

    [Fact]
    public async Task Call_UnknownMembersAndExtraContextFields_AreIgnored()
    {
        var request = HookRequests.PatientView();
        request["futureMember"] = new JsonObject { ["x"] = 1 };
        request["context"]!["encounterId"] = "enc-1";
        request["context"]!["somethingNew"] = true;
        request.Prefetch()["unknownKey"] = "not even a resource";
        request["extension"] = new JsonObject { ["com.example.other"] = 3 };

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("lee2014", GradingSystem.Lee2014)]
    [InlineData("ctcae5", GradingSystem.CtcaeV5)]
    [InlineData("ASTCT2019", GradingSystem.Astct2019)]
    public async Task Call_PrimarySystemExtension_ReachesTheCore(string wire, GradingSystem expected)
    {
        var request = HookRequests.PatientView();
        request["extension"] = new JsonObject { ["crsCdsHooks.primarySystem"] = wire };
        host.Evaluator.Inputs.Clear();

        var response = await host.CallAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected, host.Evaluator.Input.PrimarySystem);
    }

    [Fact]
    public async Task Call_WithoutPrimarySystemExtension_LeavesTheConfiguredPrimary()
    {
        host.Evaluator.Inputs.Clear();

        await host.CallAsync(HookRequests.PatientView());

        Assert.Null(host.Evaluator.Input.PrimarySystem);
    }

    [Fact]
    public async Task Call_UnknownPrimarySystem_Is400ListingTheChoices()
    {
        var request = HookRequests.PatientView();
        request["extension"] = new JsonObject { ["crsCdsHooks.primarySystem"] = "penn" };

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "\"astct2019\", \"lee2014\" or \"ctcae5\"");
    }
}
