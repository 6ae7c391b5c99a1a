using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrsCdsHooks.Api.Tests.Auth;

/// <summary>
/// A minimal host with the trust pieces only: the two CDS endpoints mapped to trivial handlers that require the
/// CDS client policy, served by TestServer, on a hand-moved clock. No auth bypass: every call carries a real token.
/// </summary>
internal sealed class TrustTestHost : IAsyncDisposable
{
    public static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
    public const string BaseUrl = "https://cds.example.org";
    public const string InvokePath = "/cds-services/crs-patient-view";
    public const string FeedbackPath = InvokePath + "/feedback";
    public const string RemoteIssuer = "https://ehr.example.org";
    public const string InlineIssuer = "https://inline.example.org";

    private static int s_jti;

    private TrustTestHost(WebApplication app, ManualTimeProvider clock, ListLoggerProvider logs)
    {
        App = app;
        Clock = clock;
        Logs = logs;
        Client = app.GetTestClient();
    }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    public ManualTimeProvider Clock { get; }

    public ListLoggerProvider Logs { get; }

    public static WebApplication Build(
        string environment,
        IDictionary<string, string?> settings,
        ManualTimeProvider clock,
        ListLoggerProvider logs,
        Action<IServiceCollection>? configureServices = null)
    {
        LeakGuard.HostStarted("minimal TestServer hosts");
        WebApplicationBuilder builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.AddCdsClientTrust();
        configureServices?.Invoke(builder.Services);

        WebApplication app = builder.Build();
        app.UseCdsClientTrust();
        app.MapPost(InvokePath, Describe).RequireAuthorization(CdsClientTrust.PolicyName);
        app.MapPost(FeedbackPath, Describe).RequireAuthorization(CdsClientTrust.PolicyName);
        return app;
    }

    public static async Task<TrustTestHost> StartAsync(
        string environment,
        IDictionary<string, string?> settings,
        Action<IServiceCollection>? configureServices = null)
    {
        var clock = new ManualTimeProvider(T0.AddSeconds(10));
        var logs = new ListLoggerProvider();
        WebApplication app = Build(environment, settings, clock, logs, configureServices);
        await app.StartAsync();
        return new TrustTestHost(app, clock, logs);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, string? token, string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(scheme, token);
        }

        return await Client.SendAsync(request);
    }

    public static Dictionary<string, object?> Header(TestKey key, string alg) => new()
    {
        ["alg"] = alg,
        ["typ"] = "JWT",
        ["kid"] = key.Kid,
    };

    public static Dictionary<string, object?> Claims(string issuer, string path = InvokePath) => new()
    {
        ["iss"] = issuer,
        ["aud"] = BaseUrl + path,
        ["iat"] = T0.ToUnixTimeSeconds(),
        ["exp"] = T0.AddMinutes(5).ToUnixTimeSeconds(),
        ["jti"] = NextJti(),
    };

    public static string NextJti() => "jti-" + Interlocked.Increment(ref s_jti).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        Logs.Leaks.ThrowIfLeaked(); // the run's leak guard: a token or id in a log line fails the test
    }

    private static IResult Describe(HttpContext context)
    {
        CdsClientIdentity? client = context.GetCdsClient();
        return Results.Json(new
        {
            issuer = client?.Issuer,
            tenant = client?.Tenant,
            subject = client?.Subject,
            fhirServers = client?.FhirServers,
        });
    }
}

/// <summary>
/// Captures every log line (message, exception text and scopes) so tests can prove a token is never logged; each
/// line is also checked by the run's <see cref="LeakGuard"/> as it is written.
/// </summary>
internal sealed class ListLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<string> _lines = new();
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public IReadOnlyCollection<string> Lines => _lines;

    public LeakRecorder Leaks { get; } = new("minimal TestServer host");

    public ILogger CreateLogger(string categoryName) => new ListLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
    }

    private sealed class ListLogger(string category, ListLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var line = $"{logLevel} {category} {eventId.Id}: {formatter(state, exception)} {exception}";
            var scopes = CapturingLoggerProvider.ScopesOf(owner._scopes);
            owner.Leaks.Line(category, logLevel.ToString(), line, scopes);
            owner._lines.Enqueue(line + (scopes.Count == 0 ? "" : " => " + string.Join(" => ", scopes)));
        }
    }
}
