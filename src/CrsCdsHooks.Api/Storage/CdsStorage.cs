using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Storage;

/// <summary>
/// Durable feedback storage. In Program.cs: <c>builder.Services.AddCdsStorage(builder.Configuration);</c>
/// then use <see cref="IFeedbackStore"/> (feedback endpoint, readiness), <see cref="IPatientIdHasher"/> (served-card
/// audit) and <see cref="IFeedbackReport"/> (<c>GET /reports/feedback</c>). <c>CdsHooks:Storage:Provider</c> chooses
/// SQLite (the default) or PostgreSQL; both are one <see cref="IDurableFeedbackStore"/>.
/// </summary>
internal static class CdsStorage
{
    /// <summary>Adds the store selected by <c>CdsHooks:Storage</c> (validated at start-up) and creates/migrates it on start.</summary>
    public static IServiceCollection AddCdsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CdsStorageOptions>().Bind(configuration.GetSection(CdsStorageOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CdsStorageOptions>, CdsStorageOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IDurableFeedbackStore>(static provider =>
        {
            CdsStorageOptions options = provider.GetRequiredService<IOptions<CdsStorageOptions>>().Value;
            TimeProvider time = provider.GetRequiredService<TimeProvider>();
            if (options.IsPostgres)
            {
                return new PostgresFeedbackStore(
                    options.ConnectionString!, options, time, provider.GetRequiredService<ILogger<PostgresFeedbackStore>>());
            }

            string connectionString = SqliteDatabasePath.Resolve(
                options.ConnectionString ?? CdsStorageOptions.DefaultSqliteConnectionString,
                provider.GetRequiredService<IHostEnvironment>().ContentRootPath);
            return new SqliteFeedbackStore(connectionString, options, time, provider.GetRequiredService<ILogger<SqliteFeedbackStore>>());
        });
        services.TryAddSingleton<IFeedbackStore>(static provider => provider.GetRequiredService<IDurableFeedbackStore>());
        services.TryAddSingleton<IFeedbackReport>(static provider => provider.GetRequiredService<IDurableFeedbackStore>());
        services.TryAddSingleton<IPatientIdHasher>(static provider => provider.GetRequiredService<IDurableFeedbackStore>());
        services.AddHostedService<CdsStorageInitializer>();
        return services;
    }
}

/// <summary>
/// Creates and migrates the database when the service starts, so a broken store (a file that cannot be written, a
/// PostgreSQL server that cannot be reached) stops start-up with a message naming <c>CdsHooks:Storage</c>.
/// </summary>
internal sealed class CdsStorageInitializer(IDurableFeedbackStore store) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
