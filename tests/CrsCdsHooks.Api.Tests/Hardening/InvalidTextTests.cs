using System.Net;
using System.Net.Http.Headers;
using System.Text;

using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// Text that is not text: bytes that are not UTF-8, and JSON escapes of unpaired UTF-16 surrogates (valid JSON
/// grammar, but no valid Unicode). Found by the hostile corpus: each once answered 500 or was silently accepted.
/// </summary>
public sealed class InvalidTextTests : IDisposable
{
    private readonly FhirServerStub _fhir = FhirServerStub.Start();

    public void Dispose() => _fhir.Dispose();

    public static TheoryData<string> InvalidUtf8() => new() { "C328", "FF", "C0AF", "EDA080", "80", "F888808080" };

    [Theory]
    [MemberData(nameof(InvalidUtf8))]
    public async Task BodyWithBytesThatAreNotUtf8_Is400SayingWhere(string hex)
    {
        using var host = new ApiHost(null);
        var text = PatientView().ToJsonString();
        var at = text.IndexOf("oncologist", StringComparison.Ordinal);
        var body = Encoding.UTF8.GetBytes(text[..at]).Concat(Convert.FromHexString(hex)).Concat(Encoding.UTF8.GetBytes(text[at..])).ToArray();

        var response = await PostBytesAsync(host, ApiHost.ServicePath, body);

        var problem = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "not valid UTF-8");
        Assert.Contains($"byte {Encoding.UTF8.GetByteCount(text[..at]) + 1}", problem, StringComparison.Ordinal);
        Assert.Empty(host.Evaluator.Inputs);
    }

    [Fact]
    public async Task FeedbackWithBytesThatAreNotUtf8_Is400AndNothingIsStored()
    {
        using var host = new ApiHost(null);
        var body = Encoding.UTF8.GetBytes("{\"feedback\":[{\"card\":\"").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T11:55:00Z\"}]}")).ToArray();

        var response = await PostBytesAsync(host, ApiHost.ServicePath + "/feedback", body);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "not valid UTF-8");
        Assert.Empty(host.Store.Feedback);
    }

    [Fact]
    public async Task FhirServerPageThatIsNotUtf8_IsAFailedQuery()
    {
        var page = Encoding.UTF8.GetBytes(Bundle(Temperature("t-1")).ToJsonString().Replace("8310-5", "8310-5\u0001", StringComparison.Ordinal));
        page[Array.IndexOf(page, (byte)1)] = 0xFF;
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "vital-signs").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(page));
        using var host = new ApiHost(null);

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "not valid UTF-8");
    }

    /// <summary>Where an unpaired surrogate escape sits: a value the host reads, member names it looks up or enumerates, a prefetched resource.</summary>
    public static TheoryData<string, string, string> UnpairedSurrogates() => new()
    {
        { "hook value", "\"hook\":\"patient-view\"", "\"hook\":\"\\uD800\"" },
        { "context.patientId value", $"\"patientId\":\"{PatientId}\"", "\"patientId\":\"x\\uDFFF\"" },
        { "member name at the top", "\"hook\":", "\"\\uD800\":1,\"hook\":" },
        { "member name in context", "\"userId\":", "\"\\uDBFF\":1,\"userId\":" },
        { "member name in prefetch", "\"patient\":{", "\"\\uDC00\":null,\"patient\":{" },
        { "member name in a resource", "\"resourceType\":\"Observation\",", "\"resourceType\":\"Observation\",\"\\uD800\":1," },
        { "id of a resource", "\"id\":\"temp-1\"", "\"id\":\"\\uDFFF\"" },
        { "id of a resource, lower-case escape", "\"id\":\"temp-1\"", "\"id\":\"\\udfff\"" },
        { "resourceType of a resource", "\"resourceType\":\"Observation\"", "\"resourceType\":\"\\uD800\"" },
        { "note text (a high surrogate followed by a letter)", "\"status\":\"final\"", "\"status\":\"final\",\"note\":[{\"text\":\"\\uD83Dx\"}]" },
    };

    [Theory]
    [MemberData(nameof(UnpairedSurrogates))]
    public async Task UnpairedSurrogateEscape_Is400SayingWhere(string where, string find, string replace)
    {
        using var host = new ApiHost(null);
        var text = PatientView().ToJsonString();
        Assert.Contains(find, text, StringComparison.Ordinal);
        var damaged = text.Replace(find, replace, StringComparison.Ordinal);

        var response = await PostBytesAsync(host, ApiHost.ServicePath, Encoding.UTF8.GetBytes(damaged));

        var problem = await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "unpaired UTF-16 surrogate");
        Assert.True(problem.Contains("byte ", StringComparison.Ordinal), where);
        Assert.Empty(host.Evaluator.Inputs);
    }

    [Fact]
    public async Task PairedSurrogateEscape_IsText()
    {
        using var host = new ApiHost(null);
        var request = PatientView().ToJsonString().Replace("\"status\":\"final\"", "\"status\":\"final\",\"note\":[{\"text\":\"fever \\uD83D\\uDD25\"}]", StringComparison.Ordinal);

        var response = await PostBytesAsync(host, ApiHost.ServicePath, Encoding.UTF8.GetBytes(request));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// A UTF-8 byte order mark before the JSON (PowerShell and some Windows tools write one) is ignored, as RFC 8259
    /// §8.1 allows a parser to: the request is the same request without it.
    /// </summary>
    [Fact]
    public async Task Utf8ByteOrderMark_IsIgnored()
    {
        using var host = new ApiHost(null);
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(PatientView().ToJsonString())).ToArray();

        var response = await PostBytesAsync(host, ApiHost.ServicePath, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(host.Evaluator.Inputs);
    }

    [Fact]
    public async Task Utf8ByteOrderMark_DoesNotHideAnUnpairedSurrogateEscape()
    {
        using var host = new ApiHost(null);
        var json = PatientView().ToJsonString().Replace("\"status\":\"final\"", "\"status\":\"final\",\"note\":[{\"text\":\"\\uD800\"}]", StringComparison.Ordinal);
        var body = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(json)).ToArray();

        var response = await PostBytesAsync(host, ApiHost.ServicePath, body);

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "unpaired UTF-16 surrogate");
        Assert.Empty(host.Evaluator.Inputs);
    }

    [Theory]
    [InlineData("card")]
    [InlineData("outcome")]
    [InlineData("outcomeTimestamp")]
    public async Task FeedbackWithAnUnpairedSurrogateEscape_Is400AndNothingIsStored(string field)
    {
        using var host = new ApiHost(null);
        var item = new Dictionary<string, string> { ["card"] = "5f0e7b36-3c1c-4bd7-9d7e-0c8a6f1d2a02", ["outcome"] = "accepted", ["outcomeTimestamp"] = "2025-06-15T11:55:00Z" };
        item[field] = "@@";
        var body = "{\"feedback\":[" + System.Text.Json.JsonSerializer.Serialize(item).Replace("\"@@\"", "\"\\uDC00\"", StringComparison.Ordinal) + "]}";

        var response = await PostBytesAsync(host, ApiHost.ServicePath + "/feedback", Encoding.UTF8.GetBytes(body));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.BadRequest, "unpaired UTF-16 surrogate");
        Assert.Empty(host.Store.Feedback);
    }

    [Fact]
    public async Task FhirServerPageWithAnUnpairedSurrogateEscape_IsAFailedQuery()
    {
        var page = Bundle(Temperature("t-1")).ToJsonString().Replace("\"Patient/", "\"Patient/\\uD800", StringComparison.Ordinal);
        _fhir.Server.Given(Request.Create().WithPath("/fhir/Observation").WithParam("category", "vital-signs").UsingGet()).AtPriority(1)
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(page));
        using var host = new ApiHost(null);

        var response = await host.CallAsync(PatientView(_fhir.BaseUrl, AccessToken).WithoutPrefetch("vitalSigns"));

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.PreconditionFailed, "not Unicode");
    }

    private static async Task<HttpResponseMessage> PostBytesAsync(ApiHost host, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await host.CreateClient().PostAsync(new Uri(path, UriKind.Relative), content);
    }
}
