using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.Evaluation;
using CrsCdsHooks.Api.FhirServer;
using CrsCdsHooks.Api.Logging;
using CrsCdsHooks.Api.Options;
using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Core;
using CrsCdsHooks.Core.Cards;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Differential;

using Hl7.Fhir.Model;

using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

using Task = System.Threading.Tasks.Task;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>
/// One <c>crs-patient-view</c> call, in order: service (404) → body (415, 413, 400) → request (400) → prefetch size
/// (413) → fhirServer allowed (403) → gather data within the budget (412 when patient, vital signs or medication
/// administrations cannot be had) → evaluate → record the served cards (a failure there is logged, the cards are
/// still returned) → 200. Unexpected exceptions become a 500 OperationOutcome in <see cref="ErrorHandlingMiddleware"/>
/// with the hookInstance as correlation id.
/// </summary>
internal sealed class PatientViewHandler(
    PatientDataGatherer gatherer,
    IPatientViewEvaluator evaluator,
    ICardIdSource ids,
    IFeedbackStore store,
    IPatientIdHasher hasher,
    FhirServerPolicy policy,
    TimeProvider time,
    IOptions<LimitsOptions> limits,
    IOptions<CrsOptions> crsOptions,
    ILogger<PatientViewHandler> logger)
{
    public async Task<Results<Ok<CdsServiceResponse>, FhirOutcome>> HandleAsync(string id, HttpContext httpContext)
    {
        var service = CdsServiceCatalog.Find(id);
        if (service is null) return Reject(id, CdsServiceEndpointsText.UnknownService(id));

        // One deadline for the whole call: receiving the body, gathering, evaluating.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        timeout.CancelAfter(limits.Value.RequestTimeout);
        var body = await JsonRequestBody.ReadAsync(httpContext.Request, limits.Value, timeout.Token).ConfigureAwait(false);
        if (body.Error is not null) return Reject(service.Id, body.Error);
        using var document = body.Document!;

        var request = CdsServiceRequestReader.TryRead(document.RootElement, service, out var problems);
        if (request is null) return Reject(service.Id, FhirOutcome.BadRequest(problems));
        httpContext.Items[ErrorHandlingMiddleware.CorrelationIdItem] = request.HookInstance;

        var prefetched = CdsServiceRequestReader.CountPrefetchResources(request);
        if (prefetched > limits.Value.MaxResources)
            return Reject(service.Id, FhirOutcome.PayloadTooLarge(
                $"The prefetch holds {prefetched} resources, more than {limits.Value.MaxResources} (CdsHooks:Limits:MaxResources). Prefetch less, or leave keys out for the service to query on fhirServer."));

        if (request.FhirServer is not null && !policy.IsAllowed(new Uri(request.FhirServer), httpContext.User))
        {
            Log.FhirServerRefused(logger, request.HookInstance);
            return FhirOutcome.Forbidden(
                $"fhirServer {request.FhirServer} is not an allowed FHIR server for this client, so the service will not call it. "
                + "The operator lists allowed base URLs under CdsHooks:Auth:Clients:N:FhirServers:M (or sets CdsHooks:Fhir:AllowAnyServer in development).");
        }

        Log.ServiceCalled(logger, request.HookInstance, service.Id, request.Prefetch?.Count ?? 0, request.FhirServer is not null, request.FhirAuthorization is not null);
        try
        {
            // Reading the prefetch and grading are CPU-bound and synchronous (the core cannot be cancelled): run on the
            // thread pool and stop waiting at the timeout. Abandoned work finishes in the background, bounded by the
            // body and resource limits; it touches only singletons, never this request's HttpContext.
            return await Task.Run(() => EvaluateAsync(service, request, timeout.Token), timeout.Token)
                .WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !httpContext.RequestAborted.IsCancellationRequested)
        {
            Log.RequestTimedOut(logger, request.HookInstance, (long)limits.Value.RequestTimeout.TotalMilliseconds);
            return FhirOutcome.Unavailable(OperationOutcome.IssueType.Timeout,
                $"The call took longer than {limits.Value.RequestTimeout.TotalSeconds:0.#} s (CdsHooks:Limits:RequestTimeout) and was abandoned; correlation id {request.HookInstance}. Retry later.");
        }
    }

    private async Task<Results<Ok<CdsServiceResponse>, FhirOutcome>> EvaluateAsync(CdsServiceDescriptor service, CdsServiceRequest request, CancellationToken cancellationToken)
    {
        var asOf = time.GetUtcNow();
        var fetchStarted = time.GetTimestamp();
        var data = await gatherer.GatherAsync(request, asOf, cancellationToken).ConfigureAwait(false);
        var fetchMs = (long)time.GetElapsedTime(fetchStarted).TotalMilliseconds;
        if (data.Unobtainable.Count > 0)
        {
            Log.DataUnobtainable(logger, request.HookInstance, string.Join(",", data.Unobtainable.Select(u => u.Key)));
            return FhirOutcome.PreconditionFailed(data.Unobtainable
                .Select(u => $"prefetch key '{u.Key}' could not be obtained: {u.Reason}. CRS cannot be graded without the patient, the vital signs and the medication administrations: prefetch them, or send fhirServer with fhirAuthorization so the service can query them.")
                .ToList());
        }

        var primary = CdsServiceRequestReader.TryParseSystem(request.Extension?.PrimarySystem, out var system) ? system : (Core.Grading.GradingSystem?)null;
        var input = new PatientViewInput(request.Context.PatientId, asOf, data.Resources, data.Issues, primary);
        var evaluationStarted = time.GetTimestamp();
        var evaluation = evaluator.Evaluate(input, ids);
        var evaluationMs = (long)time.GetElapsedTime(evaluationStarted).TotalMilliseconds;
        var response = evaluation.Response;
        Log.Evaluated(logger, request.HookInstance, response.Cards.Count, data.Resources.Count, data.Issues.Count,
            CdsServiceRequestReader.WireName(primary ?? crsOptions.Value.PrimarySystem), fetchMs, evaluationMs);

        await RecordCardsAsync(service, request, asOf, evaluation, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(response);
    }

    /// <summary>
    /// Keeps an audit row per served card (its kind, the response's grade summary, a salted patient hash: no PHI) and
    /// the override reasons it offered. Never withholds the cards.
    /// </summary>
    private async Task RecordCardsAsync(CdsServiceDescriptor service, CdsServiceRequest request, DateTimeOffset asOf, CrsEvaluation evaluation, CancellationToken cancellationToken)
    {
        var cards = evaluation.Response.Cards;
        if (cards.Count == 0) return;
        try
        {
            var summary = AuditSummary(evaluation);
            var hash = await hasher.HashAsync(request.Context.PatientId, cancellationToken).ConfigureAwait(false);
            var records = cards.Select(c => new CardAuditRecord(c.Uuid, service.Id, request.HookInstance, asOf, CardKinds.Of(c), summary, hash)
            {
                OfferedReasons = c.OverrideReasons?.Where(r => !string.IsNullOrEmpty(r.Display)).Select(r => new OfferedOverrideReason(r.Code, r.Display!)).ToList() ?? [],
            }).ToList();
            await store.RecordCardsAsync(records, cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the audit must never cost the clinician the cards
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
#pragma warning restore CA1031
        {
            Log.CardAuditFailed(logger, request.HookInstance, cards.Count, ex.GetType().Name);
        }
    }

    /// <summary>
    /// "crs astct2019 2/3; infection possible; anaphylaxis none-found" — grades only, no PHI. A response with cards but
    /// no grade is the unreadable-infusion card (the patient looked ineligible because a CAR-T record could not be used):
    /// "crs astct2019 not graded (car-t-record-unusable); infection not screened; anaphylaxis not screened", so that the
    /// feedback report keeps its cards apart from graded ones and never counts them as "none-found".
    /// </summary>
    internal static string AuditSummary(CrsEvaluation evaluation)
    {
        var assessment = evaluation.Assessment;
        var system = CdsServiceRequestReader.WireName(assessment.PrimarySystem);
        if (assessment.PrimaryGrade is not { } grade)
            return $"crs {system} not graded ({AssessmentExtension.CarTRecordUnusableReason}); infection not screened; anaphylaxis not screened";
        return $"crs {system} {grade.Grade}/{grade.UpperBound}; infection {Level(evaluation.Infection.Level)}; anaphylaxis {Level(evaluation.Anaphylaxis.Level)}";
    }

    private static string Level(FindingLevel level) => level switch
    {
        FindingLevel.Likely => "likely",
        FindingLevel.Possible => "possible",
        _ => "none-found",
    };

    private FhirOutcome Reject(string serviceId, FhirOutcome outcome)
    {
        Log.RequestRejected(logger, CdsServiceEndpointsText.Clip(serviceId), outcome.StatusCode, outcome.Messages.Count);
        return outcome;
    }
}
