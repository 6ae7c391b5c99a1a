namespace CrsCdsHooks.Api.Options;

/// <summary>
/// Operator reports (configuration section <c>CdsHooks:Reports</c>): <c>GET /reports/feedback</c>, how often each kind
/// of card was accepted or overridden. Off unless enabled (appsettings.Development.json enables it for
/// <c>dotnet run</c>); when a CDS client JWT is required, the report requires one too.
/// </summary>
public sealed class ReportsOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "CdsHooks:Reports";

    /// <summary>Whether <c>GET /reports/feedback</c> answers (default false: 404).</summary>
    public bool Enabled { get; set; }
}
