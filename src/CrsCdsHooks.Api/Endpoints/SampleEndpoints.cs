using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Api.OpenApi;
using CrsCdsHooks.Core.Samples;

using Microsoft.AspNetCore.Http.HttpResults;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>
/// Development only: the sample hook requests of <c>fhir-samples/</c>, shifted to now, so that
/// <c>curl …/samples/&lt;name&gt; | curl -X POST …/cds-services/crs-patient-view -d @-</c> grades a sample as it was
/// written (a sample sent as written lies in the past and is, correctly, no longer eligible). Synthetic data only; not
/// part of the CDS Hooks API, so kept out of the OpenAPI document.
/// </summary>
internal static class SampleEndpoints
{
    public static IEndpointRouteBuilder MapSamples(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/samples").ExcludeFromDescription();
        group.MapGet("", (SampleRequestCatalog catalog) => TypedResults.Ok(catalog.Requests.Select(r => r.Name)));
        group.MapGet("/{name}", Get);
        return routes;
    }

    private static Results<ContentHttpResult, FhirOutcome> Get(string name, SampleRequestCatalog catalog, TimeProvider time)
    {
        var sample = catalog.Requests.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal));
        if (sample is null) return FhirOutcome.NotFound($"There is no sample '{name}'. GET /samples lists them.");
        return TypedResults.Content(SampleRequestShifter.Shift(sample.Json, time.GetUtcNow()), "application/json");
    }
}
