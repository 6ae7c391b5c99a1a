using System.Collections.Concurrent;

using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// The real service (real clinical core, real pipeline) behind Kestrel on a loopback port, so that body limits,
/// transfer encodings and connection handling are those of production, not of the in-memory TestServer. The
/// core's evaluations are recorded so a test can tell whether a resource was used, reported, or silently lost.
/// </summary>
public sealed class HardeningHost : ApiHost
{
    public HardeningHost(IDictionary<string, string?>? settings = null, string environment = "Development")
        : base(WithoutRateLimit(settings), environment, realEvaluator: true)
    {
        UseKestrel(0);
        StartServer();
    }

    /// <summary>
    /// The corpus sends hundreds of calls a minute from one address, past the rate limit's generous default; the
    /// limit has tests of its own (RateLimitTests).
    /// </summary>
    private static Dictionary<string, string?> WithoutRateLimit(IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?> { ["CdsHooks:RateLimit:Enabled"] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) all[key] = value;
        return all;
    }

    /// <summary>Every evaluation the core made, in order.</summary>
    public ConcurrentQueue<CrsEvaluation> Evaluations { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IPatientViewEvaluator>(provider =>
            new RecordingEvaluator(new CrsPatientViewEvaluator(provider.GetRequiredService<IOptions<CrsOptions>>()), Evaluations)));
    }

    private sealed class RecordingEvaluator(IPatientViewEvaluator inner, ConcurrentQueue<CrsEvaluation> evaluations) : IPatientViewEvaluator
    {
        public CrsEvaluation Evaluate(PatientViewInput input, ICardIdSource ids)
        {
            var evaluation = inner.Evaluate(input, ids);
            evaluations.Enqueue(evaluation);
            return evaluation;
        }
    }
}
