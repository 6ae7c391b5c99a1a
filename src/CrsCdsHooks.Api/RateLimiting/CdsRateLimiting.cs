using System.Globalization;
using System.Threading.RateLimiting;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.RateLimiting;

/// <summary>
/// Per-client rate limiting of <c>/cds-services</c> with the ASP.NET Core rate limiter (<c>CdsHooks:RateLimit</c>).
/// A call is counted against its client: the <c>iss</c> of a CDS client JWT that passed every check, else the
/// caller's address (an anonymous call, or one whose token was refused — so floods of forged tokens are limited too).
/// Over the limit: 429 with <c>Retry-After</c> and an OperationOutcome (CORS headers included, like every answer).
/// </summary>
/// <remarks>
/// [operational] A fixed window per client (CDS-HOOKS.md "Request handling" sets no rate; the defaults only stop
/// runaway or hostile clients). Behind a reverse proxy, anonymous callers share the proxy's address unless forwarded
/// headers are configured; authenticated clients are told apart by their issuer.
/// </remarks>
internal static class CdsRateLimiting
{
    /// <summary>The rate-limiting policy of the CDS Hooks routes.</summary>
    public const string PolicyName = "CdsClient";

    /// <summary>The limiter with its partitions and its 429 answer (its options are bound by AddCdsHooksOptions).</summary>
    public static IServiceCollection AddCdsRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PolicyName, Partition);
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>
    /// Identifies the CDS client before the limiter runs (the JWT scheme is not the default one, so nothing has
    /// authenticated the call yet; the result is cached for the request, so authorization does not validate twice),
    /// then applies the limiter.
    /// </summary>
    public static IApplicationBuilder UseCdsRateLimiting(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>() is not null
                && context.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Authorization))
            {
                await context.AuthenticateAsync(CdsClientTrust.SchemeName).ConfigureAwait(false);
            }
            await next(context).ConfigureAwait(false);
        });
        app.UseRateLimiter();
        return app;
    }

    private static RateLimitPartition<string> Partition(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        if (!options.Enabled) return RateLimitPartition.GetNoLimiter("off");
        var key = context.GetCdsClient() is { } client
            ? "client " + client.Issuer
            : "address " + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");
        return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = options.PermitLimit,
            Window = options.Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : options.Window;
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var authenticated = context.GetCdsClient() is not null;
        Log.RateLimited(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("CrsCdsHooks.Api.RateLimiting"),
            authenticated ? "client" : "address", options.PermitLimit, (long)options.Window.TotalSeconds);

        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var outcome = FhirOutcome.ForStatus(StatusCodes.Status429TooManyRequests,
            $"Too many calls from this {(authenticated ? "CDS client" : "address")}: at most {options.PermitLimit} per {options.Window.TotalSeconds:0.#} s "
            + $"(CdsHooks:RateLimit:PermitLimit, CdsHooks:RateLimit:Window). Retry after {seconds} s.");
        await outcome.ExecuteAsync(context).ConfigureAwait(false);
    }
}
