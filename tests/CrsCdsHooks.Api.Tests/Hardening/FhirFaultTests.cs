using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Infrastructure;

using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;

using Xunit.Abstractions;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// A FHIR server that misbehaves in every way we know (WireMock): slow, 5xx, 429 with Retry-After, 401, malformed
/// JSON, HTML, a Bundle under a non-JSON content type, FHIR XML, an OperationOutcome, an oversized page (declared or
/// chunked), a body cut off mid-way or with a malformed chunk, a 100,000-entry page, a paging loop, a next link or a
/// redirect to another host, a closed port. For each, a critical key (vital signs) and a non-critical one
/// (laboratory) are left for the service to query with the real core: every call ends within the FHIR budget plus
/// a small margin, with a 412 naming the key and the cause, or a card naming what is missing or truncated; and no
/// request, and so no access token, ever reaches another host. (Single faults are also tested in FhirServer/.)
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class FhirFaultTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(750);

    private readonly WireMockServer _fhir = Start();
    private readonly WireMockServer _elsewhere = Start();
    private readonly RawServer _trickle = new(RawServer.TrickleAsync);
    private readonly RawServer _cutMidBody = new(RawServer.CutMidBodyAsync);
    private readonly RawServer _brokenChunk = new(RawServer.BrokenChunkAsync);
    private readonly RawServer _oversizedChunked = new(RawServer.OversizedChunkedAsync);
    private readonly RawServer _secondPageCut = new(RawServer.SecondPageCutAsync);

    public void Dispose()
    {
        _fhir.Stop();
        _elsewhere.Stop();
        _trickle.Dispose();
        _cutMidBody.Dispose();
        _brokenChunk.Dispose();
        _oversizedChunked.Dispose();
        _secondPageCut.Dispose();
    }

    /// <summary>What one fault does to the key the service queries, and what the answer must then say.</summary>
    private sealed record Fault(string Name, Action<WireMockServer, string> Arrange, string Cause, bool Truncates = false);

    private Fault[] Faults() =>
    [
        new("slow beyond the budget", (s, p) => s.Given(Any(p)).RespondWith(Ok(Bundle()).WithDelay(TimeSpan.FromSeconds(3))), "no answer within the FHIR time budget"),
        new("HTTP 500", (s, p) => s.Given(Any(p)).RespondWith(Status(500)), "HTTP 500"),
        new("HTTP 502", (s, p) => s.Given(Any(p)).RespondWith(Status(502)), "HTTP 502"),
        new("HTTP 503", (s, p) => s.Given(Any(p)).RespondWith(Status(503)), "HTTP 503"),
        new("HTTP 429 with Retry-After: 120", (s, p) => s.Given(Any(p)).RespondWith(Status(429).WithHeader("Retry-After", "120")), "HTTP 429"),
        new("HTTP 401", (s, p) => s.Given(Any(p)).RespondWith(Status(401).WithHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"")), "HTTP 401"),
        new("malformed JSON", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody("{\"resourceType\":\"Bundle\",\"entry\":[{")), "not valid JSON"),
        new("a valid Bundle served as text/html", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody(Bundle(Reading("h1")).ToJsonString())), "not FHIR JSON"),
        new("a FHIR XML answer", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+xml").WithBody("<Bundle xmlns=\"http://hl7.org/fhir\"/>")), "not FHIR JSON"),
        new("an HTML login page", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "text/html").WithBody("<html><body>Please log in</body></html>")), "not FHIR JSON"),
        new("an OperationOutcome with HTTP 200", (s, p) => s.Given(Any(p)).RespondWith(Ok(OperationOutcome())), "OperationOutcome"),
        new("a page over the body limit (11 MB)", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(OversizedBundle())), "larger than"),
        new("a redirect to another host", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(302).WithHeader("Location", Origin(_elsewhere) + "/fhir/Observation")), "HTTP 302"),
        new("a closed port", (_, _) => { }, "connection failed"),
        new("headers at once, then a body that trickles in", (_, _) => { }, "no answer within the FHIR time budget"),
        new("the connection cut mid-body", (_, _) => { }, "broke off"),
        new("a malformed chunked body", (_, _) => { }, "broke off"),
        new("a page over the body limit, chunked (no Content-Length)", (_, _) => { }, "larger than"),
        new("a second page that breaks off mid-body", (_, _) => { }, "data truncated", Truncates: true),
        new("a paging loop", (s, p) =>
        {
            s.Given(Request.Create().WithPath($"/{p}/fhir/Observation").UsingGet()).RespondWith(Ok(BundleWithNext($"{Origin(s)}/{p}/fhir/page/2", Reading("p1"))));
            s.Given(Request.Create().WithPath($"/{p}/fhir/page/2").UsingGet()).RespondWith(Ok(BundleWithNext($"{Origin(s)}/{p}/fhir/page/3", Reading("p2"))));
            s.Given(Request.Create().WithPath($"/{p}/fhir/page/3").UsingGet()).RespondWith(Ok(BundleWithNext($"{Origin(s)}/{p}/fhir/page/2", Reading("p3"))));
        }, "data truncated", Truncates: true),
        new("a next link to another host", (s, p) =>
            s.Given(Request.Create().WithPath($"/{p}/fhir/Observation").UsingGet()).RespondWith(Ok(BundleWithNext($"{Origin(_elsewhere)}/{p}/fhir/page/2", Reading("p1")))),
            "data truncated", Truncates: true),
        new("a page of 100,000 entries", (s, p) => s.Given(Any(p)).RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(HundredThousandEntries())),
            "data truncated", Truncates: true),
    ];

    [Fact]
    public async Task EveryFhirServerFault_EndsWithinTheBudget_With412OrACardSayingWhatIsMissing_AndNoTokenLeavesTheServer()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Fhir:Budget"] = "00:00:01",
            ["CdsHooks:Fhir:Timeout"] = "00:00:00.300",
        }, realEvaluator: true);
        using var client = host.CreateClient();
        await host.CallAsync(PatientView()); // warm up the host and the core

        var closedPort = ClosedPort();
        var failures = new List<string>();
        var slowest = TimeSpan.Zero;
        var answers = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var faults = Faults();
        for (var i = 0; i < faults.Length; i++)
        {
            var fault = faults[i];
            var prefix = $"s{i}";
            fault.Arrange(_fhir, prefix);
            var baseUrl = fault.Name switch
            {
                "a closed port" => $"http://127.0.0.1:{closedPort}/fhir",
                "headers at once, then a body that trickles in" => $"http://127.0.0.1:{_trickle.Port}/fhir",
                "the connection cut mid-body" => $"http://127.0.0.1:{_cutMidBody.Port}/fhir",
                "a malformed chunked body" => $"http://127.0.0.1:{_brokenChunk.Port}/fhir",
                "a page over the body limit, chunked (no Content-Length)" => $"http://127.0.0.1:{_oversizedChunked.Port}/fhir",
                "a second page that breaks off mid-body" => $"http://127.0.0.1:{_secondPageCut.Port}/fhir",
                _ => $"{Origin(_fhir)}/{prefix}/fhir",
            };
            foreach (var (key, critical) in new[] { ("vitalSigns", true), ("laboratory", false) })
            {
                var request = PatientView(baseUrl, AccessToken).WithoutPrefetch(key);
                var clock = Stopwatch.StartNew();
                using var content = new StringContent(request.ToJsonString(), Encoding.UTF8, "application/json");
                using var response = await client.PostAsync(new Uri(ApiHost.ServicePath, UriKind.Relative), content);
                var body = await response.Content.ReadAsStringAsync();
                clock.Stop();
                slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
                var status = (int)response.StatusCode;
                answers[status == 200 ? "200 with a card naming the gap" : $"{status}"] = answers.GetValueOrDefault(status == 200 ? "200 with a card naming the gap" : $"{status}") + 1;
                var problem = CheckAnswer(fault, key, critical, status, body);
                if (clock.Elapsed > Budget + Margin) problem ??= $"took {clock.ElapsedMilliseconds} ms (budget {Budget.TotalMilliseconds} ms)";
                if (problem is not null) failures.Add($"{fault.Name}, {key}: {problem}");
                output.WriteLine($"{fault.Name}, {key}: {status} in {clock.ElapsedMilliseconds} ms");
            }
        }
        var leaked = _elsewhere.LogEntries.Count;
        if (leaked > 0) failures.Add($"{leaked} request(s) reached another host");
        var tokenless = _fhir.LogEntries.Count(e => e.RequestMessage?.Headers is not { } headers
            || !headers.TryGetValue("Authorization", out var value) || !value.Contains($"Bearer {AccessToken}"));
        if (tokenless > 0) failures.Add($"{tokenless} request(s) to the request's fhirServer went without its token");

        var summary = $"{faults.Length} FHIR-server faults x 2 keys = {faults.Length * 2} calls: 0 x 5xx; "
            + string.Join(", ", answers.Select(a => $"{a.Value} x {a.Key}"))
            + $"; slowest {slowest.TotalMilliseconds:0} ms (budget {Budget.TotalMilliseconds:0} ms + margin {Margin.TotalMilliseconds:0} ms)"
            + $"; {_fhir.LogEntries.Count} queries to the request's fhirServer, 0 to any other host";
        output.WriteLine(summary);
        foreach (var failure in failures) output.WriteLine(failure);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        ReliabilityFigures.Record("2 FHIR-server faults", summary + "; faults: " + string.Join(", ", faults.Select(f => f.Name)));
    }

    private static string? CheckAnswer(Fault fault, string key, bool critical, int status, string body)
    {
        if (status >= 500) return $"{status}: {body}";
        if (critical && !fault.Truncates)
        {
            if (status != 412) return $"expected 412, got {status}: {Clip(body)}";
            var text = OutcomeText(body);
            if (!text.Contains($"'{key}'", StringComparison.Ordinal)) return $"the 412 does not name {key}: {text}";
            if (!text.Contains(fault.Cause, StringComparison.Ordinal)) return $"the 412 does not say '{fault.Cause}': {text}";
            return null;
        }
        if (status != 200) return $"expected 200 with a card, got {status}: {Clip(body)}";
        var detail = JsonNode.Parse(body)?["cards"]?.AsArray().FirstOrDefault()?["detail"]?.GetValue<string>();
        if (detail is null) return "200 without a CRS card";
        var expected = fault.Truncates ? "data truncated" : "data unavailable";
        if (!detail.Contains(expected, StringComparison.Ordinal) || !detail.Contains($"prefetch/{key}", StringComparison.Ordinal))
            return $"the card does not say '{expected}' for prefetch/{key}";
        return null;
    }

    private static string OutcomeText(string body)
    {
        using var json = JsonDocument.Parse(body);
        return string.Join(" | ", json.RootElement.GetProperty("issue").EnumerateArray().Select(i => i.GetProperty("details").GetProperty("text").GetString()));
    }

    private static IRequestBuilder Any(string prefix) => Request.Create().WithPath($"/{prefix}/fhir/*").UsingGet();

    private static IResponseBuilder Ok(JsonNode body) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/fhir+json").WithBody(body.ToJsonString());

    private static IResponseBuilder Status(int status) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/fhir+json").WithBody(OperationOutcome().ToJsonString());

    /// <summary>A vital sign or lab of the request's patient (a temperature; which it is does not matter here).</summary>
    private static JsonObject Reading(string id) => Temperature(id);

    private static string OversizedBundle()
    {
        var padding = new string('x', 11 * 1024 * 1024);
        return $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"id\":\"{padding}\"}}";
    }

    private static string HundredThousandEntries()
    {
        var entries = string.Join(",", Enumerable.Range(0, 100_000).Select(i => $"{{\"resource\":{{\"resourceType\":\"Observation\",\"id\":\"o{i}\"}}}}"));
        return $"{{\"resourceType\":\"Bundle\",\"type\":\"searchset\",\"entry\":[{entries}]}}";
    }

    /// <summary>
    /// A FHIR server on a bare socket, for faults an HTTP server library will not produce: it reads the request (a GET
    /// fits one read) and answers with <c>respond</c>, then closes the connection.
    /// </summary>
    private sealed class RawServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<NetworkStream, string, CancellationToken, Task> _respond;

        public RawServer(Func<NetworkStream, string, CancellationToken, Task> respond)
        {
            _respond = respond;
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        /// <summary>Status and headers at once, then one byte of body every 100 ms: only the budget can stop the read.</summary>
        public static async Task TrickleAsync(NetworkStream stream, string request, CancellationToken stop)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 100000\r\n\r\n{"u8.ToArray(), stop);
            for (var i = 0; i < 600; i++)
            {
                await Task.Delay(100, stop);
                await stream.WriteAsync(" "u8.ToArray(), stop);
            }
        }

        /// <summary>Declares 5,000 bytes, sends a few, and closes: the body ends prematurely.</summary>
        public static async Task CutMidBodyAsync(NetworkStream stream, string request, CancellationToken stop) =>
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 5000\r\n\r\n{\"resourceType\":\"Bundle\",\"entry\":["u8.ToArray(), stop);

        /// <summary>
        /// A good first page whose next link (on this server, under the base) leads to a page that breaks off mid-body:
        /// the key is truncated, never lost (CRS-SPEC §9.37).
        /// </summary>
        public static async Task SecondPageCutAsync(NetworkStream stream, string request, CancellationToken stop)
        {
            if (request.Contains("/fhir/page2", StringComparison.Ordinal))
            {
                await CutMidBodyAsync(stream, request, stop);
                return;
            }
            var host = request.Split("\r\n").FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim();
            var page = BundleWithNext($"http://{host}/fhir/page2", Reading("first-page")).ToJsonString();
            var bytes = Encoding.UTF8.GetBytes(page);
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: {bytes.Length}\r\nConnection: close\r\n\r\n"), stop);
            await stream.WriteAsync(bytes, stop);
        }

        /// <summary>A chunked body whose second chunk header is not hexadecimal.</summary>
        public static async Task BrokenChunkAsync(NetworkStream stream, string request, CancellationToken stop) =>
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"res\r\nzz\r\nourceType\r\n"u8.ToArray(), stop);

        /// <summary>11 MB of one Bundle in 64 KB chunks, with no Content-Length to refuse it by.</summary>
        public static async Task OversizedChunkedAsync(NetworkStream stream, string request, CancellationToken stop)
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), stop);
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, (byte)'x');
            var header = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
            var opening = "{\"resourceType\":\"Bundle\",\"id\":\""u8.ToArray();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"{opening.Length:x}\r\n"), stop);
            await stream.WriteAsync(opening, stop);
            await stream.WriteAsync("\r\n"u8.ToArray(), stop);
            for (var sent = 0; sent < 11 * 1024 * 1024; sent += chunk.Length)
            {
                await stream.WriteAsync(header, stop);
                await stream.WriteAsync(chunk, stop);
                await stream.WriteAsync("\r\n"u8.ToArray(), stop);
            }
            await stream.WriteAsync("2\r\n\"}\r\n0\r\n\r\n"u8.ToArray(), stop);
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                _ = Task.Run(() => ServeAsync(client));
            }
        }

        private async Task ServeAsync(TcpClient client)
        {
            using (client)
            {
                try
                {
                    var stream = client.GetStream();
                    var buffer = new byte[8192];
                    var read = await stream.ReadAsync(buffer, _stop.Token); // the request (a GET fits one read)
                    await _respond(stream, Encoding.ASCII.GetString(buffer, 0, read), _stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
                {
                    // the service gave up, or the test ended
                }
            }
        }
    }

    private static string Clip(string text) => text.Length <= 300 ? text : text[..300] + "…";

    private static string Origin(WireMockServer server) => $"http://127.0.0.1:{server.Ports[0]}";

    private static WireMockServer Start()
    {
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = [$"http://127.0.0.1:{ClosedPort()}"] });
        using (var warm = new HttpClient()) warm.GetAsync(new Uri(Origin(server) + "/warm-up")).GetAwaiter().GetResult().Dispose();
        server.ResetLogEntries();
        return server;
    }

    /// <summary>A loopback port nothing listens on (taken from the OS, then released).</summary>
    private static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
