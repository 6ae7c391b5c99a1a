using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Auth;

/// <summary>
/// The CDS client policy: the caller presented a token that passed every check; or, when a JWT is optional
/// (Development by default), the caller presented no credentials at all. A presented but bad token always fails
/// (→ challenge → 401 with WWW-Authenticate and an empty body).
/// </summary>
internal sealed class CdsClientTrustRequirement : IAuthorizationRequirement;

/// <summary>Decides <see cref="CdsClientTrustRequirement"/>.</summary>
internal sealed class CdsClientTrustAuthorizationHandler(IOptions<CdsAuthOptions> options, IHostEnvironment environment)
    : AuthorizationHandler<CdsClientTrustRequirement>
{
    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CdsClientTrustRequirement requirement)
    {
        // Endpoint routing passes the HttpContext as the resource.
        if (context.Resource is not HttpContext httpContext)
        {
            return Task.CompletedTask;
        }

        if (httpContext.GetCdsClient() is not null)
        {
            context.Succeed(requirement);
        }
        else if (!options.Value.IsJwtRequired(environment.IsDevelopment())
            && !httpContext.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Authorization))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
