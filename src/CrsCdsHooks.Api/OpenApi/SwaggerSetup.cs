using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.CdsHooks;
using CrsCdsHooks.Api.Endpoints;
using CrsCdsHooks.Api.Errors;
using CrsCdsHooks.Core.CdsHooks;
using CrsCdsHooks.Core.Samples;

using Microsoft.OpenApi;

using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrsCdsHooks.Api.OpenApi;

/// <summary>
/// The OpenAPI document (<c>/swagger/v1/swagger.json</c>, kept equal to <c>openapi/crs-cds-hooks.json</c> without its
/// examples) and Swagger UI (<c>/swagger</c>) with a Bearer authorize button and the samples as request examples.
/// </summary>
internal static class SwaggerSetup
{
    public const string DocumentName = "v1";

    public static IServiceCollection AddCdsHooksSwagger(this IServiceCollection services)
    {
        services.AddSingleton<SampleRequestCatalog>();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(c =>
        {
            c.SwaggerDoc(DocumentName, new OpenApiInfo
            {
                Title = "CrsCdsHooks",
                Version = DocumentName,
                Description =
                    "A CDS Hooks 2.0 service that grades cytokine release syndrome (CRS) after CAR-T cell infusion "
                    + "(ASTCT 2019 primary; Lee 2014 and CTCAE v5.0 beside it), screens for infection/sepsis and anaphylaxis, "
                    + "and answers with CDS Hooks cards. The request examples are the repository's fhir-samples, shifted to now.",
            });
            c.IncludeXmlComments(Assembly.GetExecutingAssembly(), includeControllerXmlComments: false);
            c.IncludeXmlComments(typeof(CdsCard).Assembly, includeControllerXmlComments: false);
            c.AddSecurityDefinition("bearer", new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = "The CDS client's JWT (CDS Hooks 2.0 \"Trusting CDS Clients\"): header alg/kid/typ, claims iss, aud (this endpoint's URL), exp, iat, jti. Never the FHIR access token.",
            });
            c.OperationFilter<CdsClientJwtRequirement>();
            // Raw JSON members (prefetch resources, card action resources, card extensions) are FHIR or free JSON:
            // described as plain objects, never by reflecting a type.
            c.MapType<JsonElement>(() => new OpenApiSchema { Description = "A FHIR R4 resource as JSON (usually a searchset Bundle), or null." });
            c.MapType<JsonNode>(() => new OpenApiSchema { Type = JsonSchemaType.Object, Description = "A FHIR R4 resource as JSON." });
            c.MapType<object>(() => new OpenApiSchema { Description = "Any JSON value." });
            c.CustomSchemaIds(t => t == typeof(OperationOutcomeSchema) ? "OperationOutcome" : t.Name);
            c.SupportNonNullableReferenceTypes();
            c.SchemaFilter<OpenSchemaFilter>();
            c.OperationFilter<SampleRequestExamples>();
        });
        return services;
    }

    public static WebApplication UseCdsHooksSwagger(this WebApplication app)
    {
        app.UseSwagger();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "swagger";
            o.SwaggerEndpoint($"/swagger/{DocumentName}/swagger.json", "CrsCdsHooks " + DocumentName);
            o.DocumentTitle = "CrsCdsHooks";
        });
        return app;
    }
}

/// <summary>
/// The Bearer requirement and its 401 answer, on exactly the operations that take a CDS client JWT (service calls and
/// feedback: <c>RequireAuthorization</c>); discovery, health and samples are open and say nothing of a token.
/// </summary>
internal sealed class CdsClientJwtRequirement : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        if (!context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any()) return;
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("bearer", context.Document)] = [] });
        operation.Responses ??= [];
        operation.Responses["401"] = new OpenApiResponse
        {
            Description = "The CDS client JWT is missing (when CdsHooks:Auth:RequireJwt is true) or invalid; the body is empty and WWW-Authenticate says why.",
        };
    }
}

/// <summary>Adds every sample hook request, shifted to now, as an example of the service call's request body.</summary>
internal sealed class SampleRequestExamples(SampleRequestCatalog samples, TimeProvider time) : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var name = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName;
        if (name != CdsServiceEndpoints.CallName) return;
        if (operation.RequestBody?.Content is not { } content || !content.TryGetValue("application/json", out var media) || media is not OpenApiMediaType json) return;
        if (samples.Requests.Count == 0) return;

        var now = time.GetUtcNow();
        json.Examples = new Dictionary<string, IOpenApiExample>(StringComparer.Ordinal);
        foreach (var sample in samples.Requests)
        {
            json.Examples[sample.Name] = new OpenApiExample
            {
                Summary = sample.Name,
                Value = JsonNode.Parse(SampleRequestShifter.Shift(sample.Json, now)),
            };
        }
    }
}
