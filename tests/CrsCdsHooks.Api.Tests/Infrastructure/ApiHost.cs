using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.Samples;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>
/// The service in memory: real pipeline and options, with a fixed clock (the samples' anchor), sequential card
/// ids, a fake evaluator that returns one fixed card, a recording feedback store and captured logs.
/// <c>realEvaluator: true</c> uses the real clinical core; <c>realStore: true</c> keeps the service's SQLite store
/// (on <c>CdsHooks:Storage:ConnectionString</c>, a fresh temp file unless set) instead of the recording one.
/// Every log line of the host (and of the hosts <c>WithWebHostBuilder</c> derives from it) is checked by the run's
/// <see cref="LeakGuard"/>; disposing the host throws <see cref="LogLeakException"/> if one leaked.
/// </summary>
public class ApiHost : WebApplicationFactory<Program>
{
    public const string ServicePath = "/cds-services/crs-patient-view";

    private readonly Dictionary<string, string?> _settings;
    private readonly string _environment;

    static ApiHost()
    {
        // Many short-lived hosts: never watch appsettings files (each watcher costs an inotify instance, a scarce
        // per-user resource on Linux that other processes share).
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    public ApiHost(IDictionary<string, string?>? settings, string environment = "Development", bool realEvaluator = false, bool realStore = false)
    {
        // Generous FHIR time limits unless a test sets its own: on a loaded 2-core machine the first FHIR call of a
        // fresh host can take a second, and only the timing tests are about the budget.
        _settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            ["CdsHooks:Fhir:Budget"] = "00:00:10",
            ["CdsHooks:Fhir:Timeout"] = "00:00:05",
            // Each host gets its own SQLite file (the audit and the salt live there), never the repository's data/.
            ["CdsHooks:Storage:ConnectionString"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"crscdshooks-test-{Guid.NewGuid():N}.db")}",
        };
        if (environment == "Production")
        {
            // Production needs a public URL (JWT audiences) and requires JWTs; tests about other concerns call
            // anonymously. The auth tests (Auth/) exercise the required-JWT path with real tokens.
            _settings["CdsHooks:PublicBaseUrl"] = "https://cds.example.org";
            _settings["CdsHooks:Auth:RequireJwt"] = "false";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
        _environment = environment;
        RealEvaluator = realEvaluator;
        RealStore = realStore;
    }

    public static DateTimeOffset AsOf => SampleRequestShifter.Anchor;

    public bool RealEvaluator { get; }

    /// <summary>True: the service's own SQLite feedback store; <see cref="Store"/> is then unused.</summary>
    public bool RealStore { get; }

    /// <summary>The host's clock (set before the first request); the samples' anchor by default.</summary>
    public DateTimeOffset Now { get; init; } = AsOf;

    public FakeEvaluator Evaluator { get; } = new();

    public RecordingFeedbackStore Store { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new("WebApplicationFactory host");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        LeakGuard.HostStarted("WebApplicationFactory hosts");
        builder.UseEnvironment(_environment);
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(_settings));
        builder.ConfigureLogging(l => l.AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            if (!RealEvaluator) services.AddSingleton<IPatientViewEvaluator>(Evaluator);
            if (!RealStore) services.AddSingleton<IFeedbackStore>(Store);
            services.AddSingleton<TimeProvider>(new FixedTimeProvider(Now));
            services.AddSingleton<ICardIdSource, SequentialCardIdSource>();
        });
    }

    /// <summary>Disposes the host (and its derived hosts), then fails the test if any of their log lines leaked.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        Logs.Leaks.ThrowIfLeaked();
    }

    public Task<HttpResponseMessage> CallAsync(JsonNode request, string path = ServicePath) =>
        PostJsonAsync(path, request.ToJsonString());

    public async Task<HttpResponseMessage> PostJsonAsync(string path, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await CreateClient().PostAsync(new Uri(path, UriKind.Relative), content);
    }
}

/// <summary>The default host, shared by the tests of one class (xunit class fixture).</summary>
public sealed class SharedApiHost() : ApiHost(null);

/// <summary>A clock stopped at one instant (timers still run on the system clock).</summary>
public sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
