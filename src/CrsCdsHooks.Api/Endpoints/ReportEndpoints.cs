using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Api.Storage;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>The feedback report: how often each kind of card was accepted or overridden, and why.</summary>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="Rows">One row per service, card kind and grade summary; feedback about cards this store never recorded last.</param>
public sealed record FeedbackReportResponse(DateTimeOffset GeneratedAt, IReadOnlyList<FeedbackReportRow> Rows);

/// <summary>Operator reports: <c>GET /reports/feedback</c> (<c>CdsHooks:Reports:Enabled</c>).</summary>
internal static class ReportEndpoints
{
    public static RouteGroupBuilder MapReports(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/reports").WithTags("Reports");
        group.RequireRateLimiting(RateLimiting.CdsRateLimiting.PolicyName);
        // Like the service calls: a CDS client JWT when one is required (Production), validated whenever presented.
        group.MapGet("/feedback", GetFeedbackReportAsync)
            .RequireAuthorization(CdsClientTrust.PolicyName)
            .WithName("GetFeedbackReport")
            .WithSummary("Acceptance and override of the served cards per service, card kind and grade summary, with the most frequent override reasons.")
            .WithDescription(
                "Counts cards, not feedback items: accepted and overridden are the cards with at least one such outcome, and the rates "
                + "are over cards served. No patient data: no patient hash, card uuid or comment. 404 unless CdsHooks:Reports:Enabled "
                + "is true (Development enables it). 401 (empty body) when a required CDS client JWT is missing or invalid; its aud is this URL.")
            .ProducesFhirOutcome(StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);
        return group;
    }

    private static async Task<Results<Ok<FeedbackReportResponse>, FhirOutcome>> GetFeedbackReportAsync(
        IOptions<ReportsOptions> options, IFeedbackReport report, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
            return FhirOutcome.NotFound("Reports are disabled on this service: the operator enables GET /reports/feedback with CdsHooks:Reports:Enabled=true.");
        var rows = await report.GetFeedbackReportAsync(FeedbackReportWindow.All, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new FeedbackReportResponse(time.GetUtcNow(), rows));
    }
}
