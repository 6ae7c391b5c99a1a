using CrsCdsHooks.Api.Errors;

namespace CrsCdsHooks.Api.Endpoints;

/// <summary>OpenAPI metadata shared by the endpoints.</summary>
internal static class EndpointMetadata
{
    /// <summary>Declares OperationOutcome error bodies (<c>application/fhir+json</c>) for the given statuses.</summary>
    public static TBuilder ProducesFhirOutcome<TBuilder>(this TBuilder builder, params int[] statusCodes)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statusCodes)
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(OperationOutcomeSchema), [FhirOutcome.MediaType]));
        return builder;
    }
}
