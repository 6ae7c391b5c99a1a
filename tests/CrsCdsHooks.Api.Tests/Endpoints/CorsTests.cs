using System.Net;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>Browser clients (the CDS Hooks Sandbox) preflight every call; CORS headers are on every answer, errors included.</summary>
public sealed class CorsTests
{
    private const string SandboxOrigin = "https://sandbox.cds-hooks.org";

    [Theory]
    [InlineData("/cds-services", "GET")]
    [InlineData(ApiHost.ServicePath, "POST")]
    [InlineData(ApiHost.ServicePath + "/feedback", "POST")]
    [InlineData("/cds-services/unknown", "POST")]
    public async Task Preflight_FromAnAllowedOrigin_AllowsTheCall(string path, string method)
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        using var request = Preflight(path, method, SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(SandboxOrigin, Header(response, "Access-Control-Allow-Origin"));
        var methods = Header(response, "Access-Control-Allow-Methods");
        Assert.Contains(method, methods, StringComparison.Ordinal);
        var headers = Header(response, "Access-Control-Allow-Headers");
        Assert.Contains("authorization", headers, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("content-type", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_GetsNoCorsHeaders()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        using var request = Preflight(ApiHost.ServicePath, "POST", "https://evil.example");

        var response = await host.CreateClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Development_AllowsAnyOrigin()
    {
        using var host = new ApiHost(null);
        using var request = Preflight(ApiHost.ServicePath, "POST", "http://localhost:3000");

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Production_WithoutConfiguredOrigins_AllowsNone()
    {
        using var host = new ApiHost(null, environment: "Production");
        using var request = Preflight(ApiHost.ServicePath, "POST", SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task BadRequest_CarriesCorsHeaders()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        using var request = Post(ApiHost.ServicePath, "{not json", SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(SandboxOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task NotFound_CarriesCorsHeaders()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        using var request = Post("/cds-services/unknown", HookRequests.PatientView().ToJsonString(), SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(SandboxOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task ServerError_CarriesCorsHeaders()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        host.Evaluator.Failure = new InvalidOperationException("boom");
        using var request = Post(ApiHost.ServicePath, HookRequests.PatientView().ToJsonString(), SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(SandboxOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Discovery_CarriesCorsHeaders()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Cors:AllowedOrigins:0"] = SandboxOrigin });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/cds-services");
        request.Headers.Add("Origin", SandboxOrigin);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(SandboxOrigin, Header(response, "Access-Control-Allow-Origin"));
    }

    private static HttpRequestMessage Preflight(string path, string method, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
        return request;
    }

    private static HttpRequestMessage Post(string path, string json, string origin)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", origin);
        return request;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : "";
}
