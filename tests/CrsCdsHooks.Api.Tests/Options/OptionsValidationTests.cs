using CrsCdsHooks.Api.Auth;
using CrsCdsHooks.Api.Storage;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrsCdsHooks.Api.Tests.Options;

/// <summary>A bad configuration value stops start-up with a message that names the key (one case per options class, and more).</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public async Task Production_WithOneClientAndAPublicUrl_StartsRequiringJwts()
    {
        using var host = new ApiHost(new Dictionary<string, string?>
        {
            ["CdsHooks:Auth:RequireJwt"] = null,
            ["CdsHooks:Auth:Clients:0:Issuer"] = "https://ehr.example.org",
            ["CdsHooks:Auth:Clients:0:Jwks"] = Auth.TestKey.Jwks(Auth.TestKey.EcP384("ehr-key")),
        }, environment: "Production");

        var response = await host.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode);
    }

    [Theory]
    // LimitsOptions
    [InlineData("CdsHooks:Limits:MaxBodyBytes", "10")]
    [InlineData("CdsHooks:Limits:MaxJsonDepth", "1000")]
    [InlineData("CdsHooks:Limits:MaxResources", "0")]
    [InlineData("CdsHooks:Limits:RequestTimeout", "00:00:00")]
    // FhirServerOptions
    [InlineData("CdsHooks:Fhir:Timeout", "00:00:00.001")]
    [InlineData("CdsHooks:Fhir:Budget", "01:00:00")]
    [InlineData("CdsHooks:Fhir:MaxPages", "0")]
    [InlineData("CdsHooks:Fhir:MaxResources", "-1")]
    [InlineData("CdsHooks:Fhir:MaxRetries", "9")]
    // RateLimitOptions
    [InlineData("CdsHooks:RateLimit:PermitLimit", "0")]
    [InlineData("CdsHooks:RateLimit:Window", "00:00:00")]
    [InlineData("CdsHooks:RateLimit:Window", "1.00:00:00")]
    [InlineData("CdsHooks:RateLimit:Enabled", "sometimes")]
    // CrossOriginOptions
    [InlineData("CdsHooks:Cors:AllowedOrigins:0", "https://sandbox.cds-hooks.org/")]
    [InlineData("CdsHooks:Cors:AllowedOrigins:0", "sandbox.cds-hooks.org")]
    // CdsStorageOptions (salt: base64 of at least 16 bytes)
    [InlineData("CdsHooks:Storage:PatientHashSalt", "short")]
    // FhirServerAllowList
    [InlineData("CdsHooks:Auth:Clients:0:FhirServers:0", "fhir.example.org/r4")]
    [InlineData("CdsHooks:Auth:Clients:0:FhirServers:0", "https://fhir.example.org/r4?tenant=a")]
    // CrsOptions (the core's own rules)
    [InlineData("CdsHooks:Grading:EligibilityDays", "5")]
    [InlineData("CdsHooks:Grading:WindowHours", "100")]
    [InlineData("CdsHooks:Grading:Hypotension:AdultSystolicMmHg", "10")]
    [InlineData("CdsHooks:Grading:Masking:AntipyreticHours", "0")]
    [InlineData("CdsHooks:Grading:Lee2014HighDose:SustainedHours", "48")]
    // values that do not even convert
    [InlineData("CdsHooks:Grading:PrimarySystem", "Penn")]
    [InlineData("CdsHooks:Fhir:MaxPages", "many")]
    [InlineData("CdsHooks:Fhir:AllowAnyServer", "perhaps")]
    [InlineData("CdsHooks:Reports:Enabled", "yes please")]
    public void BadValue_StopsStartUpNamingTheKey(string key, string value)
    {
        var failure = StartUpValidationFailure(new Dictionary<string, string?> { [key] = value });

        Assert.NotNull(failure);
        var keyWithoutIndex = key.EndsWith(":0", StringComparison.Ordinal) ? key[..^2] : key;
        Assert.True(failure.ToString().Contains(keyWithoutIndex, StringComparison.Ordinal), failure.ToString());
    }

    [Fact]
    public void FhirTimeoutLongerThanTheBudget_StopsStartUp()
    {
        var failure = StartUpValidationFailure(new Dictionary<string, string?> { ["CdsHooks:Fhir:Timeout"] = "00:00:05", ["CdsHooks:Fhir:Budget"] = "00:00:02" });

        Assert.NotNull(failure);
        Assert.Contains("CdsHooks:Fhir:Timeout must not exceed CdsHooks:Fhir:Budget", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ChildThresholdAgeAboveAdultMeanAge_StopsStartUp()
    {
        var failure = StartUpValidationFailure(new Dictionary<string, string?>
        {
            ["CdsHooks:Grading:Hypotension:AdultSystolicFromAgeYears"] = "18",
            ["CdsHooks:Grading:Hypotension:AdultMeanFromAgeYears"] = "12",
        });

        Assert.NotNull(failure);
        Assert.Contains("CdsHooks:Grading:Hypotension:AdultSystolicFromAgeYears", failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PrimarySystemFromConfiguration_IsUsedWhenTheRequestHasNoOverride()
    {
        using var host = new ApiHost(new Dictionary<string, string?> { ["CdsHooks:Grading:PrimarySystem"] = "Lee2014", ["CdsHooks:Storage:PatientHashSalt"] = "MDEyMzQ1Njc4OWFiY2RlZg==" });

        var response = await host.CallAsync(HookRequests.PatientView());

        Assert.True(response.IsSuccessStatusCode);
        Assert.Contains(host.Logs.Entries, e => e.EventId == 6 && e.Text.Contains("primary lee2014", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("CdsHooks:Fhir:MaxPages", "0")]
    [InlineData("CdsHooks:Grading:EligibilityDays", "5")]
    public void BadValue_StopsTheRealHost(string key, string value)
    {
        // Through the whole host: WebApplicationFactory sometimes loses the start-up exception to a race with the
        // failed host's disposal (ObjectDisposedException); the validation itself is deterministic, so retry.
        Exception? failure = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var host = new ApiHost(new Dictionary<string, string?> { [key] = value });
            failure = Record.Exception(() => host.CreateClient());
            if (failure is not ObjectDisposedException) break;
        }

        Assert.NotNull(failure);
        Assert.True(failure.ToString().Contains(key, StringComparison.Ordinal), failure.ToString());
    }

    /// <summary>What the host's start-up validation (every ValidateOnStart registration of AddCdsHooksOptions) throws for these settings.</summary>
    private static Exception? StartUpValidationFailure(IDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCdsClientTrust();
        builder.Services.AddCdsStorage(builder.Configuration);
        builder.Services.AddCdsHooksOptions();
        using var provider = builder.Services.BuildServiceProvider();
        return Record.Exception(() => provider.GetRequiredService<IStartupValidator>().Validate());
    }
}
