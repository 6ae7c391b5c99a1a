using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Api.Storage;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>CDS Hooks feedback: <c>POST /cds-services/{id}/feedback</c>.</summary>
internal static class FeedbackEndpoints
{
    public static RouteHandlerBuilder MapCdsFeedback(this IEndpointRouteBuilder routes)
    {
        return routes.MapPost("/{id}/feedback", StoreAsync)
            .WithName("SendCdsFeedback")
            .WithSummary("Stores what the user did with cards (accepted, overridden); 200 once the feedback is durable.")
            .WithDescription("Idempotent per card, outcome and outcomeTimestamp. card must be a uuid (feedback about uuids never served is accepted and stored); acceptedSuggestions only with accepted, overrideReason only with overridden; outcomeTimestamp not in the future.")
            .WithTags("CDS Hooks")
            .Accepts<CdsFeedbackRequest>("application/json")
            .ProducesFhirOutcome(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status404NotFound,
                StatusCodes.Status408RequestTimeout,
                StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status429TooManyRequests,
                StatusCodes.Status500InternalServerError);
    }

    private static async Task<Results<Ok, FhirOutcome>> StoreAsync(
        string id,
        HttpContext httpContext,
        IFeedbackStore store,
        IOptions<LimitsOptions> limits,
        IOptions<CdsAuthOptions> auth,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("CrsCdsHooks.Api.Feedback");
        var service = CdsServiceCatalog.Find(id);
        if (service is null) return Reject(logger, id, CdsServiceEndpointsText.UnknownService(id));

        var body = await JsonRequestBody.ReadAsync(httpContext.Request, limits.Value, httpContext.RequestAborted).ConfigureAwait(false);
        if (body.Error is not null) return Reject(logger, service.Id, body.Error);
        using var document = body.Document!;

        var items = CdsFeedbackReader.TryRead(document.RootElement, service.Id, time.GetUtcNow(), auth.Value.ClockSkew, out var problems);
        if (items is null) return Reject(logger, service.Id, FhirOutcome.BadRequest(problems));

        var results = await store.StoreFeedbackAsync(items, httpContext.RequestAborted).ConfigureAwait(false);
        Log.FeedbackStored(logger, service.Id, items.Count,
            results.Count(r => r == FeedbackWriteResult.Stored),
            results.Count(r => r == FeedbackWriteResult.AlreadyStored),
            items.Count(i => i.Outcome == "accepted"),
            items.Count(i => i.Outcome == "overridden"));
        return TypedResults.Ok();
    }

    private static FhirOutcome Reject(ILogger logger, string serviceId, FhirOutcome outcome)
    {
        Log.RequestRejected(logger, CdsServiceEndpointsText.Clip(serviceId), outcome.StatusCode, outcome.Messages.Count);
        return outcome;
    }
}

/// <summary>Texts shared by the service endpoints.</summary>
internal static class CdsServiceEndpointsText
{
    public static FhirOutcome UnknownService(string id) =>
        FhirOutcome.NotFound($"There is no CDS service with id '{Clip(id)}'. GET /cds-services lists the services ({string.Join(", ", CdsServiceCatalog.All.Select(s => s.Id))}).");

    /// <summary>Shortens client-supplied text before it is echoed or logged.</summary>
    public static string Clip(string text)
    {
        var clean = new string(text.Where(c => !char.IsControl(c)).Take(64).ToArray());
        return clean.Length < text.Length ? clean + "…" : clean;
    }
}
