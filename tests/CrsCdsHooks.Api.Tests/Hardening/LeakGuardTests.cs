using CrsCdsHooks.Api.Tests.Auth;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using static CrsCdsHooks.Api.Tests.Infrastructure.HookRequests;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// The run's leak guard (<see cref="LeakGuard"/>) itself: it flags what must never be logged, lets through what the
/// service logs on purpose, sees scopes, and fails the test whose host logged a leak.
/// </summary>
public sealed class LeakGuardTests
{
    private static readonly TestKey Key = TestKey.EcP384("guard-key");
    private static readonly Func<ILogger, string, IDisposable?> PatientScope = LoggerMessage.DefineScope<string>("patient {Patient}");
    private static readonly Action<ILogger, Exception?> InnocentLine = LoggerMessage.Define(LogLevel.Information, new EventId(1), "an innocent line");

    public static TheoryData<string, string> Leaks()
    {
        var minted = TokenMint.Sign(TrustTestHost.Header(Key, "ES384"), TrustTestHost.Claims(TrustTestHost.RemoteIssuer), Key.PrivateKey);
        var unregistered = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0."; // alg none, never registered: found by its shape
        var fhirToken = Authorization("guard-access-token-31d7")["access_token"]!.GetValue<string>();
        return new()
        {
            { $"token refused: {minted}", "a JWT the tests minted" },
            { $"header was Bearer {unregistered}", "a JWT" },
            { "Authorization: Bearer 0123456789abcdef", "a Bearer credential" },
            { $"calling FHIR with {fhirToken}", "an access token" },
            { "FHIR query for crs-g2-hypotension failed", "a patient id" },
            { "user Practitioner/crs-demo-clinician opened the chart", "a user id" },
            { "MRN SYN-S04", "an identifier" },
            { "patient Hypotension, Test", "a name" },
            { "{\"resourceType\": \"Observation\"}", "a resource body" },
            { "GET /fhir/Observation?category=vital-signs&patient=x", "patient URL" },
            { "refused not-a-jwt", "a garbage token" },
        };
    }

    [Theory]
    [MemberData(nameof(Leaks))]
    public void Flags(string line, string what)
    {
        var found = LeakGuard.Check(line);
        Assert.True(found.Any(f => f.Contains(what, StringComparison.Ordinal)), $"'{what}' not found in: {string.Join(" | ", found)}");
        Assert.All(found, f => Assert.DoesNotContain("0123456789abcdef", f, StringComparison.Ordinal)); // the excerpt is redacted
    }

    [Theory]
    [InlineData("Hook d1577c69-dfbe-44ad-ba6d-3e05e953b2ea for crs-patient-view: 7 prefetch keys, fhirServer True, token True")]
    [InlineData("Hook d1577c69-dfbe-44ad-ba6d-3e05e953b2ea key vitalSigns: prefetch, 42 resources, 0 page(s) fetched, 1 issue(s), 3 ms")]
    [InlineData("CDS client token refused: BadSignature (iss https://ehr.example.org, tenant tenant-a, jti jti-17)")]
    [InlineData("AuthenticationScheme: Bearer was challenged.")]
    [InlineData("Bearer error=\"invalid_token\"")]
    [InlineData("Microsoft.AspNetCore.Hosting.Diagnostics: Request finished HTTP/1.1 POST http://localhost/cds-services/crs-patient-view - 200 - application/json 12.3ms")]
    [InlineData("RequestPath:/samples/astct-grade2-hypotension RequestId:0HN1:00000001")]
    [InlineData("ChildCount 3; HypotensionScore 2")]
    public void LetsThrough(string line) => Assert.Empty(LeakGuard.Check(line));

    [Fact]
    public void AHostThatLoggedALeak_FailsOnDispose_NamingTheCategory_WithARedactedExcerpt()
    {
        var host = new ApiHost(null);
        host.Logs.Leaks.Planted = true; // on purpose: not counted among the run's leaks
        _ = host.Services; // start it
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Guard.Test");
        using (PatientScope(logger, PatientId)) InnocentLine(logger, null);

        var error = Assert.Throws<LogLeakException>(host.Dispose);

        Assert.Contains("a patient id in the scope", error.Message, StringComparison.Ordinal);
        Assert.Contains("Guard.Test", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(PatientId, error.Message, StringComparison.Ordinal);
    }
}
