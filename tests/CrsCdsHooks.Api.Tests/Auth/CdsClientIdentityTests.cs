using CrsCdsHooks.Api.Auth;

namespace CrsCdsHooks.Api.Tests.Auth;

public sealed class CdsClientIdentityTests
{
    private static readonly CdsClientIdentity Client = new(
        "https://ehr.example.org", null, null, "j", ["https://fhir.example.org/r4", "https://FHIR2.example.org:8443/base/"]);

    [Theory]
    [InlineData("https://fhir.example.org/r4", true)]
    [InlineData("https://fhir.example.org/r4/", true)]
    [InlineData("HTTPS://FHIR.EXAMPLE.ORG/r4", true)]
    [InlineData("https://fhir2.example.org:8443/base", true)]
    [InlineData("https://fhir.example.org/R4", false)]
    [InlineData("https://fhir.example.org/r4/Patient", false)]
    [InlineData("http://fhir.example.org/r4", false)]
    [InlineData("https://fhir.example.org:444/r4", false)]
    [InlineData("https://fhir.example.org.evil.example/r4", false)]
    [InlineData("https://user@fhir.example.org/r4", false)]
    [InlineData("https://fhir.example.org/r4?x=1", false)]
    [InlineData("https://fhir2.example.org/base", false)]
    [InlineData("not a url", false)]
    [InlineData(null, false)]
    public void IsFhirServerAllowed_OnlyConfiguredBaseUrls(string? fhirServer, bool allowed)
    {
        Assert.Equal(allowed, Client.IsFhirServerAllowed(fhirServer));
    }

    [Fact]
    public void IsFhirServerAllowed_NoneConfigured_AllowsNone()
    {
        Assert.False(new CdsClientIdentity("iss", null, null, "j", []).IsFhirServerAllowed("https://fhir.example.org"));
    }
}
