using System.Net;
using System.Text.Json;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Endpoints;

public sealed class DiscoveryTests(SharedApiHost host) : IClassFixture<SharedApiHost>
{
    [Fact]
    public async Task Discovery_AnnouncesCrsPatientViewWithTheSevenPrefetchTemplates()
    {
        var response = await host.CreateClient().GetAsync(new Uri("/cds-services", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var service = Assert.Single(json.RootElement.GetProperty("services").EnumerateArray());
        Assert.Equal("patient-view", service.GetProperty("hook").GetString());
        Assert.Equal("crs-patient-view", service.GetProperty("id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(service.GetProperty("description").GetString()));
        Assert.Contains("412", service.GetProperty("usageRequirements").GetString(), StringComparison.Ordinal);
        Assert.Equal("1.0.0", service.GetProperty("version").GetString());   // 3.0 ballot members, ignored by 2.0 clients
        Assert.Equal("1.0", service.GetProperty("hookVersion").GetString());

        var prefetch = service.GetProperty("prefetch").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?>
        {
            ["patient"] = "Patient/{{context.patientId}}",
            ["vitalSigns"] = "Observation?patient={{context.patientId}}&category=vital-signs&_sort=-date&_count=500",
            ["laboratory"] = "Observation?patient={{context.patientId}}&category=laboratory&_sort=-date&_count=500",
            ["medicationAdministrations"] = "MedicationAdministration?patient={{context.patientId}}&_include=MedicationAdministration:medication&_sort=-effective-time&_count=500",
            ["procedures"] = "Procedure?patient={{context.patientId}}&_sort=-date&_count=200",
            ["conditions"] = "Condition?patient={{context.patientId}}&clinical-status=active,recurrence,relapse&_sort=-recorded-date&_count=200",
            ["allergies"] = "AllergyIntolerance?patient={{context.patientId}}&clinical-status=active&_sort=-date&_count=100",
        }, prefetch);
    }

    [Fact]
    public async Task Discovery_TemplatesUseR4SortSyntaxOnly()
    {
        var body = await host.CreateClient().GetStringAsync(new Uri("/cds-services", UriKind.Relative));

        Assert.DoesNotContain("sort:desc", body, StringComparison.Ordinal);
        Assert.DoesNotContain("null", body, StringComparison.Ordinal);
    }
}
