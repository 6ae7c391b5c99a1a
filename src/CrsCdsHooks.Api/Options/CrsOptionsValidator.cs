using CrsCdsHooks.Core;

using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Options;

/// <summary>Validates the clinical options (<c>CdsHooks:Grading</c>) with the core's own rules, naming each key.</summary>
internal sealed class CrsOptionsValidator : IValidateOptions<CrsOptions>
{
    public ValidateOptionsResult Validate(string? name, CrsOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}

/// <summary>Cross-field rules of <see cref="FhirServerOptions"/>.</summary>
internal sealed class FhirServerOptionsValidator : IValidateOptions<FhirServerOptions>
{
    public ValidateOptionsResult Validate(string? name, FhirServerOptions options)
    {
        return options.Timeout > options.Budget
            ? ValidateOptionsResult.Fail("CdsHooks:Fhir:Timeout must not exceed CdsHooks:Fhir:Budget.")
            : ValidateOptionsResult.Success;
    }
}

/// <summary>Every allowed origin is <c>*</c> or an absolute http(s) origin (scheme, host, optional port; no path).</summary>
internal sealed class CrossOriginOptionsValidator : IValidateOptions<CrossOriginOptions>
{
    public ValidateOptionsResult Validate(string? name, CrossOriginOptions options)
    {
        var errors = new List<string>();
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            var origin = options.AllowedOrigins[i].Trim();
            if (origin == "*") continue;
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.PathAndQuery != "/" || origin.EndsWith('/'))
                errors.Add($"{CrossOriginOptions.Section}:AllowedOrigins:{i} must be '*' or an origin such as https://sandbox.cds-hooks.org (no path, no trailing slash).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
