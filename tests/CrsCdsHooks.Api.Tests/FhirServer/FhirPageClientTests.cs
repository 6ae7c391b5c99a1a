using CrsCdsHooks.Api.FhirServer;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>Which Content-Types a FHIR server's answer may carry: JSON in its FHIR and generic spellings, or none.</summary>
public sealed class FhirPageClientTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/fhir+json")]
    [InlineData("APPLICATION/FHIR+JSON")]
    [InlineData("application/json")]
    [InlineData("application/json+fhir")]
    [InlineData("text/json")]
    [InlineData("application/vnd.example+json")]
    public void JsonContentType_IsAccepted(string? mediaType) => Assert.Null(FhirPageClient.NotJson(mediaType));

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/fhir+xml")]
    [InlineData("text/plain")]
    [InlineData("application/octet-stream")]
    public void OtherContentType_IsRefused(string mediaType) => Assert.Equal(mediaType, FhirPageClient.NotJson(mediaType));
}
