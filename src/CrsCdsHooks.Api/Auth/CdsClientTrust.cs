using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// Trusting CDS clients by their signed JWTs (CDS-HOOKS.md, "Trusting CDS clients (JWT)"). In Program.cs:
/// <code>
/// builder.AddCdsClientTrust();
/// …
/// app.UseCdsClientTrust();   // after UseCors, before the endpoints
/// group.RequireAuthorization(CdsClientTrust.PolicyName);   // POST /cds-services/{id} and …/feedback
/// </code>
/// The authenticated client is <c>HttpContext.GetCdsClient()</c> (<see cref="CdsClientIdentity"/>).
/// </summary>
internal static class CdsClientTrust
{
    /// <summary>The authorization policy CDS service endpoints require.</summary>
    public const string PolicyName = "CdsClient";

    /// <summary>The JwtBearer authentication scheme of CDS clients (not made the default scheme).</summary>
    public const string SchemeName = "CdsClientJwt";

    /// <summary>Adds options (validated at start-up), the JwtBearer scheme, the policy and the jti replay cache.</summary>
    public static WebApplicationBuilder AddCdsClientTrust(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddCdsClientTrust();
        return builder;
    }

    /// <summary>Adds options (validated at start-up), the JwtBearer scheme, the policy and the jti replay cache.</summary>
    public static IServiceCollection AddCdsClientTrust(this IServiceCollection services)
    {
        services.AddOptions<CdsAuthOptions>().BindConfiguration(CdsAuthOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdsAuthOptions>, CdsAuthOptionsValidator>());
        services.AddOptions<CdsPublicUrlOptions>().BindConfiguration(CdsPublicUrlOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdsPublicUrlOptions>, CdsPublicUrlOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IJtiReplayCache, InMemoryJtiReplayCache>();
        services.TryAddSingleton<CdsClientRegistry>();
        services.TryAddSingleton<CdsTokenEvents>();
        services.AddHttpClient(RemoteJwksKeySource.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
            {
                // Only the configured URL is fetched: a redirect would name another.
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectTimeout = TimeSpan.FromSeconds(5),
            });

        services.AddAuthentication().AddJwtBearer(SchemeName, static _ => { });
        services.AddOptions<JwtBearerOptions>(SchemeName)
            .Configure<CdsClientRegistry, ILoggerFactory>(static (options, registry, loggerFactory) =>
            {
                options.TokenHandlers.Clear();
                options.TokenHandlers.Add(new CdsTokenHandler(registry, loggerFactory.CreateLogger<CdsTokenHandler>()));
                options.EventsType = typeof(CdsTokenEvents);
                options.IncludeErrorDetails = true;
                options.SaveToken = false;
                options.MapInboundClaims = false;
            });

        services.AddAuthorization(static options => options.AddPolicy(
            PolicyName,
            policy => policy.AddAuthenticationSchemes(SchemeName).AddRequirements(new CdsClientTrustRequirement())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, CdsClientTrustAuthorizationHandler>());
        return services;
    }

    /// <summary>Authentication and authorization middleware (call after UseCors so preflights are not challenged).</summary>
    public static IApplicationBuilder UseCdsClientTrust(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary>
    /// Replaces the in-memory jti replay cache with one shared through <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
    /// (for several instances; register the distributed cache itself, e.g. AddStackExchangeRedisCache).
    /// </summary>
    public static IServiceCollection AddDistributedJtiReplayCache(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IJtiReplayCache, DistributedJtiReplayCache>());
        return services;
    }
}
