using System.Net;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>404, 413, 415, 500 and the other non-2xx answers: always an OperationOutcome that says what to fix.</summary>
[Collection(nameof(CrsCdsHooks.Api.Tests.FhirServer.RunsAlone))]
public sealed class ErrorContractTests
{
    [Fact]
    public async Task Call_UnknownService_Is404ListingTheServices()
    {
        using var host = new ApiHost(null);

        var response = await host.CallAsync(HookRequests.PatientView(), "/cds-services/crs-order-sign");

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.NotFound, "crs-patient-view");
    }

    [Fact]
    public async Task Feedback_UnknownService_Is404()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync("/cds-services/nope/feedback", "{\"feedback\":[]}");

        await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UnknownRoute_Is404OperationOutcome()
    {
        using var host = new ApiHost(null);

        var response = await host.CreateClient().GetAsync(new Uri("/fhir/Patient", UriKind.Relative));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.NotFound, "GET /cds-services");
    }

    [Fact]
    public async Task GetOnAService_Is405OperationOutcome()
    {
        using var host = new ApiHost(null);

        var response = await host.CreateClient().GetAsync(new Uri(ApiHost.ServicePath, UriKind.Relative));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.MethodNotAllowed, "POST");
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/xml")]
    public async Task Call_NotJsonContentType_Is415(string contentType)
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(ApiHost.ServicePath, HookRequests.PatientView().ToJsonString(), contentType);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
    }

    [Theory]
    [InlineData(ApiHost.ServicePath, null)]
    [InlineData(ApiHost.ServicePath, "text/plain")]
    [InlineData(ApiHost.ServicePath + "/feedback", null)]
    [InlineData(ApiHost.ServicePath + "/feedback", "text/plain")]
    public async Task NotJson_WhetherRoutingOrTheHandlerRefusesIt_IsTheSame415NotSupported(string path, string? contentType)
    {
        using var host = new ApiHost(null);
        using var content = new StringContent("{}");
        content.Headers.ContentType = contentType is null ? null : new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        var response = await host.CreateClient().PostAsync(new Uri(path, UriKind.Relative), content);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.UnsupportedMediaType, "Content-Type: application/json");
        Assert.Equal("not-supported", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["issue"]![0]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/cds-services/no-such-service", "text/plain")]
    [InlineData("/cds-services/no-such-service/feedback", "text/plain")]
    [InlineData("/cds-services/no-such-service", "application/json")]
    public async Task UnknownService_Is404_WhateverTheContentType(string path, string contentType)
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(path, "{}", contentType);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.NotFound, "no-such-service");
    }

    [Theory]
    [InlineData("/cds-services", "GET, OPTIONS")]
    [InlineData(ApiHost.ServicePath, "POST, OPTIONS")]
    [InlineData(ApiHost.ServicePath + "/feedback", "POST, OPTIONS")]
    public async Task PlainOptions_WithoutOrigin_Is204WithAllow(string path, string allow)
    {
        using var host = new ApiHost(null);

        var response = await host.CreateClient().SendAsync(new HttpRequestMessage(HttpMethod.Options, new Uri(path, UriKind.Relative)));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(allow, string.Join(", ", response.Content.Headers.Allow));
    }

    [Fact]
    public async Task Call_JsonWithCharset_IsAccepted()
    {
        using var host = new ApiHost(null);

        var response = await host.PostJsonAsync(ApiHost.ServicePath, HookRequests.PatientView().ToJsonString(), "application/json; charset=utf-8");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Call_BodyOverTheLimit_Is413NamingTheKey()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Limits:MaxBodyBytes"] = "2048" });
        var request = HookRequests.PatientView();
        request["padding"] = new string('x', 4096);

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.RequestEntityTooLarge, "CdsHooks:Limits:MaxBodyBytes");
    }

    [Fact]
    public async Task Call_BodyOverTheLimitWithoutContentLength_Is413()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Limits:MaxBodyBytes"] = "2048" });
        var request = HookRequests.PatientView();
        request["padding"] = new string('x', 4096);
        using var content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(request.ToJsonString())));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        var response = await host.CreateClient().PostAsync(new Uri(ApiHost.ServicePath, UriKind.Relative), content);

        await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Call_PrefetchWithMoreResourcesThanTheLimit_Is413()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Limits:MaxResources"] = "3" });
        var request = HookRequests.PatientView();
        request.Prefetch()["vitalSigns"] = HookRequests.Bundle(HookRequests.Temperature("t1"), HookRequests.Temperature("t2"), HookRequests.Temperature("t3"));

        var response = await host.CallAsync(request);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.RequestEntityTooLarge, "CdsHooks:Limits:MaxResources");
    }

    [Fact]
    public async Task Call_EvaluatorThrows_Is500WithTheHookInstanceAsCorrelationIdAndNoStackTrace()
    {
        using var host = new ApiHost(null);
        host.Evaluator.Failure = new InvalidOperationException("grader exploded for patient cart-patient-1");

        var response = await host.CallAsync(HookRequests.PatientView());

        var text = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.InternalServerError, HookRequests.HookInstance);
        Assert.DoesNotContain("exploded", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId == 8);
        Assert.Contains(HookRequests.HookInstance, logged.Text, StringComparison.Ordinal);
        Assert.Contains("InvalidOperationException", logged.Text, StringComparison.Ordinal);
        Assert.Contains("FakeEvaluator.Evaluate", logged.Text, StringComparison.Ordinal); // the stack trace, to find the failing code
        Assert.DoesNotContain(HookRequests.PatientId, logged.Text, StringComparison.Ordinal); // not the message, which quotes the patient
    }

    [Fact]
    public async Task Call_EvaluatorNotYetWired_Is500NotACrash()
    {
        using var host = new ApiHost(null);
        host.Evaluator.Failure = new NotImplementedException();

        var response = await host.CallAsync(HookRequests.PatientView());

        await OperationOutcomeAssert.IsOutcomeAsync(response, HttpStatusCode.InternalServerError);
    }

    [Fact]
    public async Task Call_AuditStoreFails_CardsAreStillReturned()
    {
        using var host = new ApiHost(null);
        host.Store.Failure = new IOException("disk full");

        var response = await host.CallAsync(HookRequests.PatientView());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 7);
    }

    [Fact]
    public async Task Call_ServedCards_AreRecordedWithASaltedPatientHashAndNoPatientId()
    {
        const string salt = "YS1zYWx0LW9mLWF0LWxlYXN0LTE2LWJ5dGVz"; // base64 of "a-salt-of-at-least-16-bytes"
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Storage:PatientHashSalt"] = salt });

        var response = await host.CallAsync(HookRequests.PatientView());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var record = Assert.Single(host.Store.Cards);
        var card = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["cards"]![0]!;
        Assert.Equal(card["uuid"]!.GetValue<string>(), record.CardUuid);
        Assert.Equal("crs-patient-view", record.ServiceId);
        Assert.Equal(HookRequests.HookInstance, record.HookInstance);
        Assert.Equal(ApiHost.AsOf, record.ServedAt);
        Assert.Equal("crs astct2019 1/2; infection possible; anaphylaxis none-found", record.Summary);
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(
            Convert.FromBase64String(salt), System.Text.Encoding.UTF8.GetBytes(HookRequests.PatientId)));
        Assert.Equal(expected, record.PatientHash);
        Assert.DoesNotContain(HookRequests.PatientId, record.Summary + record.PatientHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_NoCards_RecordsNothingAndAnswersAnEmptyArray()
    {
        using var host = new ApiHost(null);
        host.Evaluator.NoCards = true;

        var response = await host.CallAsync(HookRequests.PatientView());

        Assert.Equal("{\"cards\":[]}", await response.Content.ReadAsStringAsync());
        Assert.Empty(host.Store.Cards);
    }

    [Fact]
    public async Task Call_SlowerThanTheRequestTimeout_Is503()
    {
        using var fhir = FhirServerStub.Start().IsSlowForEverything(TimeSpan.FromSeconds(2.5));
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Limits:RequestTimeout"] = "00:00:01",
            ["CdsHooks:Fhir:Budget"] = "00:00:30",
            ["CdsHooks:Fhir:Timeout"] = "00:00:20",
        });

        var response = await host.CallAsync(HookRequests.PatientView(fhir.BaseUrl).WithoutPrefetch("laboratory"));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.ServiceUnavailable, "CdsHooks:Limits:RequestTimeout");
    }

    /// <summary>A stream whose length is unknown, so the client sends no Content-Length.</summary>
    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
