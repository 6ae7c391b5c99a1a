using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Storage;

using Hl7.Fhir.Model;

using Microsoft.AspNetCore.Http.HttpResults;

using Task = System.Threading.Tasks.Task;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>The health of the service.</summary>
/// <param name="Status"><c>live</c> or <c>ready</c>.</param>
public sealed record HealthStatus(string Status);

/// <summary>Liveness and readiness probes.</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(2);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")))
            .WithName("Live")
            .WithSummary("Liveness: the process answers.");
        group.MapGet("/ready", ReadyAsync)
            .WithName("Ready")
            .WithSummary("Readiness: the feedback store is reachable (503 OperationOutcome otherwise).")
            .ProducesFhirOutcome(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    private static async Task<Results<Ok<HealthStatus>, FhirOutcome>> ReadyAsync(IFeedbackStore store, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadinessTimeout);
        string reason;
        try
        {
            if (await store.IsReachableAsync(timeout.Token).ConfigureAwait(false)) return TypedResults.Ok(new HealthStatus("ready"));
            reason = "store reports unreachable";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            reason = "timed out";
        }
#pragma warning disable CA1031 // readiness reports any store failure as not ready
        catch (Exception ex)
#pragma warning restore CA1031
        {
            reason = ex.GetType().Name;
        }
        Log.NotReady(loggers.CreateLogger("CrsCdsHooks.Api.Health"), reason);
        return FhirOutcome.Unavailable(OperationOutcome.IssueType.Transient, "The feedback store is not reachable; the service is not ready. Check CdsHooks:Storage and the database.");
    }
}
