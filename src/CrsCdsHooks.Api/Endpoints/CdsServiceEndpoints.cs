using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Core.CdsHooks;

using Microsoft.AspNetCore.Http.HttpResults;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>Calling a CDS service: <c>POST /cds-services/{id}</c>.</summary>
internal static class CdsServiceEndpoints
{
    /// <summary>The endpoint name of the service call (Swagger examples attach to it).</summary>
    public const string CallName = "CallCdsService";

    public static RouteHandlerBuilder MapCdsServiceCalls(this IEndpointRouteBuilder routes)
    {
        return routes.MapPost("/{id}", CallAsync)
            .WithName(CallName)
            .WithSummary("Calls a CDS service with a hook request; answers {\"cards\": [...]} (an empty array means no guidance).")
            .WithDescription(
                "For crs-patient-view: grades CRS after CAR-T infusion from the prefetch (absent keys are queried on fhirServer "
                + "with fhirAuthorization's bearer token). The request extension \"crsCdsHooks.primarySystem\" "
                + "(\"astct2019\" | \"lee2014\" | \"ctcae5\") overrides the primary grading system for this call. Errors are FHIR "
                + "OperationOutcomes: 400 invalid request, 403 fhirServer not allowed, 404 unknown service, 412 patient, vital signs "
                + "or medication administrations cannot be obtained, 408 body not received within the request timeout, 413 body or prefetch too large, 415 not JSON, 500 unexpected "
                + "failure (the hookInstance is the correlation id), 503 request timeout, 429 too many calls from this client "
                + "(Retry-After). 401 (empty body) when a required JWT is missing or invalid.")
            .WithTags("CDS Hooks")
            .Accepts<CdsServiceRequest>("application/json")
            .ProducesFhirOutcome(
                StatusCodes.Status400BadRequest,
                StatusCodes.Status403Forbidden,
                StatusCodes.Status404NotFound,
                StatusCodes.Status408RequestTimeout,
                StatusCodes.Status412PreconditionFailed,
                StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status415UnsupportedMediaType,
                StatusCodes.Status429TooManyRequests,
                StatusCodes.Status500InternalServerError,
                StatusCodes.Status503ServiceUnavailable);
    }

    private static Task<Results<Ok<CdsServiceResponse>, FhirOutcome>> CallAsync(string id, HttpContext httpContext, PatientViewHandler handler) =>
        handler.HandleAsync(id, httpContext);
}
