using System.Globalization;

using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Api.Storage;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>The feedback report: how often each kind of card was accepted or overridden, and why.</summary>
/// <param name="GeneratedAt">When the report was made.</param>
/// <param name="Since">The window's first instant as applied (UTC, whole microseconds): cards served at or after it; absent when not asked for.</param>
/// <param name="Until">The first instant after the window as applied (UTC, whole microseconds): cards served before it; absent when not asked for.</param>
/// <param name="Rows">One row per service, card kind and grade summary; feedback about cards this store never recorded last.</param>
public sealed record FeedbackReportResponse(DateTimeOffset GeneratedAt, DateTimeOffset? Since, DateTimeOffset? Until, IReadOnlyList<FeedbackReportRow> Rows);

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
                + "are over cards served. since and until (optional ISO 8601 instants with an offset, e.g. 2026-11-01T00:00:00Z; "
                + "since ≤ t < until) restrict it to the cards served in that window and all feedback about them; feedback about "
                + "cards the service never recorded is restricted by its outcomeTimestamp (when the clinician acted on the card). "
                + "The response echoes the window applied. 400 (OperationOutcome naming the parameter) when a value is not such an "
                + "instant, has no offset, or since is not before until. No patient data: no patient hash, card uuid or comment. 404 unless CdsHooks:Reports:Enabled "
                + "is true (Development enables it). 401 (empty body) when a required CDS client JWT is missing or invalid; its aud is this URL.")
            .ProducesFhirOutcome(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests, StatusCodes.Status500InternalServerError);
        return group;
    }

    /// <param name="options">Whether reports are enabled.</param>
    /// <param name="report">The store's report.</param>
    /// <param name="time">The clock.</param>
    /// <param name="since">Optional: only cards served at or after this instant (ISO 8601 with an offset, e.g. 2026-11-01T00:00:00Z; in a URL write + as %2B). Feedback about cards the service never recorded: by its outcomeTimestamp.</param>
    /// <param name="until">Optional: only cards served before this instant (ISO 8601 with an offset, e.g. 2026-12-01T00:00:00Z); after since.</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    private static async Task<Results<Ok<FeedbackReportResponse>, FhirOutcome>> GetFeedbackReportAsync(
        IOptions<ReportsOptions> options, IFeedbackReport report, TimeProvider time, string? since, string? until, CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
            return FhirOutcome.NotFound("Reports are disabled on this service: the operator enables GET /reports/feedback with CdsHooks:Reports:Enabled=true.");
        if (FeedbackReportQuery.TryReadWindow(since, until, out var window, out var problems) is false)
            return FhirOutcome.BadRequest(problems);
        var rows = await report.GetFeedbackReportAsync(window, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new FeedbackReportResponse(time.GetUtcNow(), window.Since, window.Until, rows));
    }
}

/// <summary>The <c>since</c> and <c>until</c> query parameters of <c>GET /reports/feedback</c>.</summary>
internal static class FeedbackReportQuery
{
    // ISO 8601 extended format, seconds and fraction optional, with Z or ±hh:mm; the same without an offset to say what is missing.
    private static readonly string[] WithOffset =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm'Z'"];

    private static readonly string[] WithoutOffset = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"];

    /// <summary>Reads the window; false with one problem per bad parameter (each names it), never quoting the value.</summary>
    public static bool TryReadWindow(string? since, string? until, out FeedbackReportWindow window, out IReadOnlyList<string> problems)
    {
        var found = new List<string>();
        var from = Read("since", since, found);
        var to = Read("until", until, found);
        if (found.Count == 0 && from >= to)
            found.Add("since must be before until: the window is since ≤ served time < until. Swap them, or widen the window.");
        problems = found;
        window = found.Count == 0 ? new FeedbackReportWindow(from, to) : FeedbackReportWindow.All;
        return found.Count == 0;
    }

    private static DateTimeOffset? Read(string name, string? value, List<string> problems)
    {
        if (value is null)
            return null;
        if (DateTimeOffset.TryParseExact(value, WithOffset, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            return instant;
        problems.Add(DateTime.TryParseExact(value, WithoutOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            ? $"{name} has no time-zone offset: end it with Z or ±hh:mm, e.g. 2026-11-01T00:00:00Z (in a URL write + as %2B)."
            : $"{name} is not an ISO 8601 instant: send it as e.g. 2026-11-01T00:00:00Z or 2026-11-01T00:00:00+01:00 (in a URL write + as %2B).");
        return null;
    }
}
