using System.Diagnostics;
using System.Text;
using System.Text.Json;

using CrsCdsHooks.Core.Fhir;
using CrsCdsHooks.Core.Timeline;

using Hl7.Fhir.Model;

namespace CrsCdsHooks.Core.Tests.Fhir;

public sealed class FhirResourceJsonTests
{
    private const string Temperature = """
        {"resourceType":"Observation","id":"t1","status":"final",
         "code":{"coding":[{"system":"http://loinc.org","code":"8310-5"}]},
         "subject":{"reference":"Patient/p1"},"effectiveDateTime":"2026-03-10T11:00:00Z",
         "valueQuantity":{"value":38.4,"unit":"Cel","system":"http://unitsofmeasure.org","code":"Cel"}}
        """;

    private static Resource? Read(string json, out DataIssue? issue)
    {
        using var document = JsonDocument.Parse(json);
        return FhirResourceJson.TryRead(document.RootElement, "prefetch/vitalSigns", out issue);
    }

    private static string With(string replace, string by) => Temperature.Replace(replace, by, StringComparison.Ordinal);

    [Fact]
    public void TryRead_ValidResource_IsRead()
    {
        var observation = Assert.IsType<Observation>(Read(Temperature, out var issue));
        Assert.Null(issue);
        Assert.Equal(38.4m, Assert.Single(Fx.Read(observation).Temperatures).Celsius);
    }

    [Theory]
    [InlineData("\"status\":\"final\"", "\"status\":\"finalx\"")]
    [InlineData("\"value\":38.4", "\"value\":\"38.4\"")]
    [InlineData("\"value\":38.4", "\"value\":1e400")]
    [InlineData("2026-03-10T11:00:00Z", "2026-03-10T11:00:00")]
    [InlineData("2026-03-10T11:00:00Z", "2026-13-45")]
    [InlineData("{\"reference\":\"Patient/p1\"}", "{\"reference\":\"\"}")]
    [InlineData("\"code\":\"8310-5\"", "\"code\":8310")]
    [InlineData("\"resourceType\":\"Observation\"", "\"resourceType\":\"Observatio\"")]
    public void TryRead_ErrorsInWhatTheReaderUses_MakeTheResourceUnusable(string replace, string by)
    {
        Assert.Null(Read(With(replace, by), out var issue));
        Assert.Equal(DataIssueReasons.NotValidFhir, issue!.Reason);
        Assert.False(string.IsNullOrWhiteSpace(issue.Detail));
    }

    [Theory]
    [InlineData("\"status\":\"final\"", "\"status\":\"final\",\"note\":[{\"text\":5}]")]
    [InlineData("\"status\":\"final\"", "\"status\":\"final\",\"unknownElement\":{\"a\":1}")]
    [InlineData("\"status\":\"final\"", "\"status\":\"final\",\"issued\":\"not a date\"")]
    [InlineData("\"status\":\"final\"", "\"status\":\"final\",\"text\":{\"status\":\"generated\",\"div\":\"not xhtml\"}")]
    public void TryRead_ErrorsElsewhere_KeepTheResourceUsable(string replace, string by)
    {
        var observation = Assert.IsType<Observation>(Read(With(replace, by), out var issue));
        Assert.Null(issue);
        Assert.Equal(38.4m, Assert.Single(Fx.Read(observation).Temperatures).Celsius);
    }

    [Fact]
    public void TryRead_DetailNeverQuotesTheRecordedLiteral()
    {
        Read(With("\"status\":\"final\"", "\"status\":\"Jane Doe\""), out var issue);
        Assert.DoesNotContain("Jane", issue!.Detail, StringComparison.Ordinal);
        Assert.Equal("Observation/t1", issue.Resource);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("{}")]
    [InlineData("{\"resourceType\":\"NotAResource\",\"id\":\"x\"}")]
    public void TryRead_NotAResource_IsNotValidFhir(string json)
    {
        Assert.Null(Read(json, out var issue));
        Assert.Equal(DataIssueReasons.NotValidFhir, issue!.Reason);
    }

    [Theory]
    [InlineData("\"id\":\"t1\"", "\"id\":\"\\uD800\"")]
    [InlineData("\"resourceType\":\"Observation\"", "\"resourceType\":\"\\uDFFF\"")]
    [InlineData("\"status\":\"final\"", "\"status\":\"\\uDC00final\"")]
    [InlineData("\"status\":\"final\"", "\"\\uD800\":1,\"status\":\"final\"")]
    public void TryRead_TextThatIsNotUnicode_IsNotValidFhirAndNeverThrows(string replace, string by)
    {
        Assert.Null(Read(With(replace, by), out var issue));
        Assert.Equal(DataIssueReasons.NotValidFhir, issue!.Reason);
    }

    [Fact]
    public void TryRead_BundleWithTextThatIsNotUnicode_NeverThrows()
    {
        using var document = JsonDocument.Parse($$"""{"resourceType":"Bundle","id":"\uD800","type":"searchset","link":[{"relation":"next","url":"\uD800"}],"entry":[{"fullUrl":"\uDFFF","resource":{{Temperature}}}]}""");

        var bundle = Assert.IsType<Bundle>(FhirResourceJson.TryRead(document.RootElement, "prefetch/vitalSigns", new List<DataIssue>()));

        Assert.Single(bundle.Entry);
        Assert.Empty(bundle.Link);
    }

    [Theory]
    [InlineData(",\"type\":\"searchset\"", "")]
    [InlineData("\"searchset\"", "\"search-set\"")]
    [InlineData("\"searchset\"", "7")]
    public void TryRead_BundleWithoutAValidType_IsReportedAndItsEntriesStillRead(string replace, string by)
    {
        using var document = JsonDocument.Parse($$"""{"resourceType":"Bundle","id":"b1","type":"searchset","entry":[{"resource":{{Temperature}}}]}""".Replace(replace, by, StringComparison.Ordinal));
        var issues = new List<DataIssue>();

        var bundle = Assert.IsType<Bundle>(FhirResourceJson.TryRead(document.RootElement, "prefetch/vitalSigns/entry[3]", issues));

        Assert.Single(bundle.Entry);
        var issue = Assert.Single(issues);
        Assert.Equal(("Bundle/b1", DataIssueReasons.NotValidFhir), (issue.Resource, issue.Reason));
    }

    [Fact]
    public void TryRead_ResourceMislabelledBundle_IsReportedNotSilentlyEmpty()
    {
        using var document = JsonDocument.Parse(With("\"resourceType\":\"Observation\"", "\"resourceType\":\"Bundle\""));
        var issues = new List<DataIssue>();

        var bundle = Assert.IsType<Bundle>(FhirResourceJson.TryRead(document.RootElement, "prefetch/vitalSigns/entry[3]", issues));

        Assert.Empty(bundle.Entry);
        Assert.Equal("Bundle/t1", Assert.Single(issues).Resource);
    }

    [Fact]
    public void TryRead_Bundle_ReadsEntryByEntryAndKeepsTheLinks()
    {
        var bad = With("\"status\":\"final\"", "\"status\":\"bogus\"").Replace("\"t1\"", "\"t2\"", StringComparison.Ordinal);
        var json = $$$"""
            {"resourceType":"Bundle","id":"b","type":"searchset","total":3,
             "link":[{"relation":"next","url":"https://ehr.example/fhir/Observation?page=2"}],
             "entry":[{"fullUrl":"https://ehr.example/fhir/Observation/t1","resource":{{{Temperature}}}},
                      {"resource":{{{bad}}}},
                      {"search":{"mode":"match"}}]}
            """;
        using var document = JsonDocument.Parse(json);
        var issues = new List<DataIssue>();
        var bundle = Assert.IsType<Bundle>(FhirResourceJson.TryRead(document.RootElement, "prefetch/vitalSigns", issues));
        Assert.Equal((Bundle.BundleType.Searchset, 3, "https://ehr.example/fhir/Observation?page=2"), (bundle.Type, bundle.Total, bundle.NextLink?.OriginalString));
        Assert.Equal("t1", Assert.Single(bundle.Entry).Resource?.Id);
        Assert.Equal(
            [("Observation/t2", DataIssueReasons.NotValidFhir), ("prefetch/vitalSigns/entry[2]", DataIssueReasons.NotValidFhir)],
            issues.Select(i => (i.Resource, i.Reason)));
    }

    [Theory]
    [InlineData("Observation.status", true)]
    [InlineData("Observation.value.value", true)]
    [InlineData("Observation.effective", true)]
    [InlineData("Observation.component[1].code.coding[0].code", true)]
    [InlineData("MedicationAdministration.medication", true)]
    [InlineData("MedicationAdministration.dosage.rate", true)]
    [InlineData("Condition.onset", true)]
    [InlineData("Procedure.performed", true)]
    [InlineData("AllergyIntolerance.patient.reference", true)]
    [InlineData("$this", true)]
    [InlineData("", true)]
    [InlineData("Observation.note[0].text", false)]
    [InlineData("Observation.foo", false)]
    [InlineData("Observation.meta.lastUpdated", false)]
    [InlineData("Observation.text.div", false)]
    [InlineData("Observation.id", false)]
    public void IsCritical_ByInstancePath(string path, bool critical) => Assert.Equal(critical, FhirResourceJson.IsCritical(path));

    [Fact]
    public void TryRead_AThousandObservations_IsFast()
    {
        var sb = new StringBuilder("[");
        for (var i = 0; i < 1000; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(Temperature.Replace("\"t1\"", $"\"t{i}\"", StringComparison.Ordinal));
        }
        sb.Append(']');
        using var document = JsonDocument.Parse(sb.ToString());
        var items = document.RootElement.EnumerateArray().ToList();
        FhirResourceJson.TryRead(items[0], "warm-up", out _);
        var watch = Stopwatch.StartNew();
        var read = items.Select((e, i) => FhirResourceJson.TryRead(e, $"x/{i}", out _)).Count(r => r is not null);
        watch.Stop();
        Assert.Equal(1000, read);
        Assert.True(watch.ElapsedMilliseconds < 2000, $"{watch.ElapsedMilliseconds} ms for 1,000 Observations");
    }
}
