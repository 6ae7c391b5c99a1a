using System.Text.Json.Serialization;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.Feedback;
using CrsCdsHooks.Api.FhirServer;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;

using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;

using Polly;

namespace CrsCdsHooks.Api;

/// <summary>The registrations and pipeline pieces Program.cs lists, one extension per concern.</summary>
internal static class CdsHooksHostExtensions
{
    /// <summary>
    /// Binds and validates every <c>CdsHooks:*</c> options class at start-up (a bad value stops the service with a
    /// message naming the key): Limits, Fhir, RateLimit, Cors, Reports, Storage (patient hash salt), the client FHIR server lists, and
    /// the clinical options of <c>CdsHooks:Grading</c> (validated by the core's own rules).
    /// </summary>
    public static IServiceCollection AddCdsHooksOptions(this IServiceCollection services)
    {
        services.AddOptions<LimitsOptions>().BindConfiguration(LimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FhirServerOptions>().BindConfiguration(FhirServerOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<FhirServerOptions>, FhirServerOptionsValidator>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<CrossOriginOptions>().BindConfiguration(CrossOriginOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ReportsOptions>().BindConfiguration(ReportsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrossOriginOptions>, CrossOriginOptionsValidator>();
        services.AddOptions<FhirServerAllowList>().Configure<IConfiguration>(FhirServerAllowList.Bind).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FhirServerAllowList>, FhirServerAllowListValidator>();
        services.AddOptions<CrsOptions>().BindConfiguration(CrsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CrsOptions>, CrsOptionsValidator>();
        return services;
    }

    /// <summary>
    /// CORS from <c>CdsHooks:Cors:AllowedOrigins</c> (<c>*</c> = any origin): headers Authorization and Content-Type,
    /// methods GET, POST and OPTIONS. Applied to every response, errors included.
    /// </summary>
    public static IServiceCollection AddCdsHooksCors(this IServiceCollection services)
    {
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<CrossOriginOptions>>((cors, origins) =>
        {
            cors.AddDefaultPolicy(policy =>
            {
                if (origins.Value.AllowsAnyOrigin) policy.AllowAnyOrigin();
                else policy.WithOrigins(origins.Value.AllowedOrigins.Select(o => o.Trim()).ToArray());
                policy.WithHeaders("Authorization", "Content-Type").WithMethods("GET", "POST", "OPTIONS");
                policy.WithExposedHeaders("Retry-After"); // a browser client may read when to retry after a 429
            });
        });
        return services;
    }

    /// <summary>
    /// The hook pipeline: the clock, card ids, the evaluator (the core's facade), the FHIR data gatherer, the
    /// fhirServer allowlist, the patient hasher, and — only when no durable store was registered before — an
    /// in-memory <see cref="IFeedbackStore"/>.
    /// </summary>
    public static IServiceCollection AddCdsHooksServices(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            o.SerializerOptions.Encoder = CrsCdsHooks.Core.CdsHooks.CdsJson.Options.Encoder;   // the same wire as the core's
        });
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ICardIdSource, GuidCardIdSource>();
        services.TryAddSingleton<IPatientViewEvaluator, CrsPatientViewEvaluator>();
        services.TryAddSingleton<IFeedbackStore, InMemoryFeedbackStore>();
        services.AddSingleton<FhirServerPolicy>();
        services.AddSingleton<PatientDataGatherer>();
        services.AddScoped<PatientViewHandler>();
        services.AddHostedService<StartupReport>();
        return services;
    }

    /// <summary>
    /// The FHIR server client: <see cref="IHttpClientFactory"/> with no HTTP logging (URLs carry patient ids), a
    /// retry of GETs only on transient failures with jittered exponential back-off, and a per-attempt timeout
    /// (<c>CdsHooks:Fhir:Timeout</c>). The overall budget is applied per call by the gatherer.
    /// </summary>
    public static IServiceCollection AddFhirServerClient(this IServiceCollection services)
    {
        services.AddSingleton<FhirPageClient>();
        services.AddHttpClient(FhirPageClient.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .RemoveAllLoggers()
            .AddResilienceHandler("fhir-server", (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<FhirServerOptions>>().Value;
                var time = context.ServiceProvider.GetRequiredService<TimeProvider>();
                if (options.MaxRetries > 0)
                {
                    pipeline.AddRetry(new HttpRetryStrategyOptions
                    {
                        MaxRetryAttempts = options.MaxRetries,
                        BackoffType = DelayBackoffType.Exponential,
                        UseJitter = true,
                        Delay = TimeSpan.FromMilliseconds(100),
                        ShouldRetryAfterHeader = false,
                        ShouldHandle = args => ValueTask.FromResult(
                            args.Context.GetRequestMessage()?.Method == HttpMethod.Get
                            && HttpClientResiliencePredicates.IsTransient(args.Outcome)
                            && !AsksToWaitPast(args.Outcome.Result, options.Budget, time)),
                    });
                }
                pipeline.AddTimeout(options.Timeout);
            });
        return services;
    }

    /// <summary>
    /// True when a throttled FHIR server (429/503 with Retry-After) asks to be left alone for at least the whole FHIR
    /// budget: asking again at once only adds load to a server that said it is overloaded, for an answer that cannot
    /// come in time. (A shorter Retry-After is not waited for either: the jittered back-off stays within the budget.)
    /// </summary>
    internal static bool AsksToWaitPast(HttpResponseMessage? response, TimeSpan budget, TimeProvider time)
    {
        if (response?.Headers.RetryAfter is not { } retryAfter) return false;
        var wait = retryAfter.Delta ?? (retryAfter.Date - time.GetUtcNow());
        return wait >= budget;
    }

    /// <summary>The error contract for everything the endpoints do not answer themselves (500, empty 404/405).</summary>
    public static IApplicationBuilder UseCdsHooksErrors(this IApplicationBuilder app) => app.UseMiddleware<ErrorHandlingMiddleware>();

    /// <summary>
    /// Every CDS Hooks route under <c>/cds-services</c>: discovery, service calls, feedback, each rate-limited per CDS
    /// client (<c>CdsHooks:RateLimit</c>). Returns the group so that
    /// conventions for all of them (e.g. <c>RequireAuthorization</c> for the CDS client JWT) can be added in one place.
    /// </summary>
    private static Results<NoContent, FhirOutcome> Allow(HttpContext context, string? serviceId, string methods)
    {
        if (serviceId is not null && CdsHooks.CdsServiceCatalog.Find(serviceId) is null) return CdsServiceEndpointsText.UnknownService(serviceId);
        context.Response.Headers.Allow = methods;
        return TypedResults.NoContent();
    }

    public static RouteGroupBuilder MapCdsHooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/cds-services");
        group.RequireRateLimiting(RateLimiting.CdsRateLimiting.PolicyName);
        group.MapCdsDiscovery();
        // Service calls and feedback carry the CDS client's JWT (required in Production, validated whenever
        // presented); discovery holds no patient data and stays open so EHR administrators can read it.
        group.MapCdsServiceCalls().RequireAuthorization(CdsClientTrust.PolicyName);
        group.MapCdsFeedback().RequireAuthorization(CdsClientTrust.PolicyName);
        // A bare OPTIONS (no Origin: not a CORS preflight, which the CORS middleware answers) says what each route takes.
        group.MapMethods("", [HttpMethods.Options], (HttpContext c) => Allow(c, null, "GET, OPTIONS")).ExcludeFromDescription();
        group.MapMethods("/{id}", [HttpMethods.Options], (string id, HttpContext c) => Allow(c, id, "POST, OPTIONS")).ExcludeFromDescription();
        group.MapMethods("/{id}/feedback", [HttpMethods.Options], (string id, HttpContext c) => Allow(c, id, "POST, OPTIONS")).ExcludeFromDescription();
        return group;
    }
}

/// <summary>Logs, at start-up, the configuration choices an operator must know about (in-memory store, generated salt).</summary>
internal sealed class StartupReport(IServiceProvider services, ILogger<StartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        using var scope = services.CreateScope();
        if (scope.ServiceProvider.GetRequiredService<IFeedbackStore>() is InMemoryFeedbackStore) Log.InMemoryFeedbackStore(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
