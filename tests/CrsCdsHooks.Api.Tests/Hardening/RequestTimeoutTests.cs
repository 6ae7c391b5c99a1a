using System.Diagnostics;
using System.Net;

using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.Tests.Endpoints;
using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// CdsHooks:Limits:RequestTimeout holds also while the work is CPU-bound (reading a large prefetch, grading): the
/// core is synchronous and cannot be cancelled, so the host must stop waiting for it.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class RequestTimeoutTests
{
    [Fact]
    public async Task CoreSlowerThanTheRequestTimeout_Is503AtTheTimeout()
    {
        using var slow = new SlowEvaluator(TimeSpan.FromSeconds(4));
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Limits:RequestTimeout"] = "00:00:01" });
        using var factory = host.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPatientViewEvaluator>(slow)));
        using var client = factory.CreateClient();
        await client.GetAsync(new Uri("/cds-services", UriKind.Relative)); // start the host

        var clock = Stopwatch.StartNew();
        using var content = new StringContent(HookRequests.PatientView().ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        var response = await client.PostAsync(new Uri(ApiHost.ServicePath, UriKind.Relative), content);
        clock.Stop();

        await OperationOutcomeAssert.IsOutcomeSayingAsync(response, HttpStatusCode.ServiceUnavailable, "CdsHooks:Limits:RequestTimeout");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"answered after {clock.ElapsedMilliseconds} ms; the core takes 4 s");
        Assert.True(slow.Started.IsSet);
        ReliabilityFigures.Record("1 limits: request time, CPU-bound core", $"a core busy for 4 s with RequestTimeout 1 s: 503 after {clock.ElapsedMilliseconds} ms");
    }

    /// <summary>
    /// A client that trickles its body just above Kestrel's minimum data rate (240 B/s) could hold a call open for
    /// hours (10 MB at 300 B/s); the request timeout must cover the body too.
    /// </summary>
    [Theory]
    [InlineData(ApiHost.ServicePath)]
    [InlineData(ApiHost.ServicePath + "/feedback")]
    public async Task BodyTrickledSlowly_IsCutOffAtTheRequestTimeout(string path)
    {
        using var host = new HardeningHost(new Dictionary<string, string?> { ["CdsHooks:Limits:RequestTimeout"] = "00:00:01" });

        var (status, body, after) = await SlowUpload.PostAsync(host.CreateClient().BaseAddress!, path, contentLength: 1_000_000, bytesPerSecond: 400, giveUp: TimeSpan.FromSeconds(8));

        Assert.True(status is 408 or 503, $"answered {status} after {after.TotalMilliseconds:0} ms: {body}");
        Assert.True(after < TimeSpan.FromSeconds(3), $"answered after {after.TotalMilliseconds:0} ms");
        Assert.Contains("CdsHooks:Limits:RequestTimeout", body, StringComparison.Ordinal);
        ReliabilityFigures.Record($"1 limits: request time, body trickled at 400 B/s to {path}", $"{status} after {after.TotalMilliseconds:0} ms (RequestTimeout 1 s)");
    }

    /// <summary>A core that blocks its thread, as a CPU-bound evaluation does.</summary>
    private sealed class SlowEvaluator(TimeSpan delay) : IPatientViewEvaluator, IDisposable
    {
        private readonly FakeEvaluator _inner = new();

        public ManualResetEventSlim Started { get; } = new();

        public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids)
        {
            Started.Set();
            Thread.Sleep(delay);
            return _inner.Evaluate(input, ids);
        }

        public void Dispose() => Started.Dispose();
    }
}
