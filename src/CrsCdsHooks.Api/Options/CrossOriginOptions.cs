namespace CrsCdsHooks.Api.Options;

/// <summary>
/// Which browser origins may call the service (configuration section <c>CdsHooks:Cors</c>). Browser CDS
/// clients such as the CDS Hooks Sandbox preflight every call.
/// </summary>
public sealed class CrossOriginOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:Cors";

    /// <summary>
    /// Allowed origins (<c>https://sandbox.cds-hooks.org</c>); <c>*</c> allows any origin (the Development
    /// default). Empty: no cross-origin browser calls.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>True when <c>*</c> is listed.</summary>
    public bool AllowsAnyOrigin => AllowedOrigins.Any(o => o.Trim() == "*");
}
