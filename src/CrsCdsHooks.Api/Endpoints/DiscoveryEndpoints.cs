using CrsCdsHooks.Api.CdsHooks;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>CDS Hooks discovery: <c>GET /cds-services</c> (mapped on the <c>/cds-services</c> group).</summary>
internal static class DiscoveryEndpoints
{
    public static IEndpointConventionBuilder MapCdsDiscovery(this IEndpointRouteBuilder routes)
    {
        return routes.MapGet("", () => TypedResults.Ok(new CdsDiscoveryResponse(CdsServiceCatalog.All)))
            .WithName("DiscoverCdsServices")
            .WithSummary("Lists the CDS services: crs-patient-view (hook patient-view) with its prefetch templates.")
            .WithTags("CDS Hooks");
    }
}
