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
        var body = Encoding.UTF8.GetBytes("{\"feedback\":[{\"card\":\"").Concat(new byte[] { 0xFF }).Concat(Encoding.UTF8.GetBytes("\",\"outcome\":\"accepted\",\"outcomeTimestamp\":\"2025-06-15T12:05:00Z\"}]}")).ToArray();

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

    private static async Task<HttpResponseMessage> PostBytesAsync(ApiHost host, string path, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await host.CreateClient().PostAsync(new Uri(path, UriKind.Relative), content);
    }
}
