using Microsoft.OpenApi;

using Swashbuckle.AspNetCore.SwaggerGen;

namespace CrsCdsHooks.Api.OpenApi;

/// <summary>
/// CDS Hooks objects are open: unknown members are ignored, never rejected, and cards may carry extensions. The
/// schemas therefore never say <c>additionalProperties: false</c>.
/// </summary>
internal sealed class OpenSchemaFilter : ISchemaFilter
{
    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is OpenApiSchema concrete && concrete.Properties is { Count: > 0 } && !concrete.AdditionalPropertiesAllowed)
            concrete.AdditionalPropertiesAllowed = true;
    }
}
