using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Samples;

namespace CrsCdsHooks.Api.Tests.OpenApi;

/// <summary>The served OpenAPI document, its checked-in copy in openapi/, and Swagger UI.</summary>
public sealed class OpenApiDocumentTests(SharedApiHost host) : IClassFixture<SharedApiHost>
{
    private const string DocumentPath = "/swagger/v1/swagger.json";
    private const string CallOperation = "/cds-services/{id}";

    [Fact]
    public async Task ServedDocument_EqualsTheCheckedInFile()
    {
        var served = Normalise(StripExamples(JsonNode.Parse(await host.CreateClient().GetStringAsync(new Uri(DocumentPath, UriKind.Relative)))!));
        var file = RepositoryFiles.PathOf("openapi", "crs-cds-hooks.json");

        if (Environment.GetEnvironmentVariable("UPDATE_OPENAPI") == "1")
            await File.WriteAllTextAsync(file, served);

        Assert.True(File.Exists(file), "openapi/crs-cds-hooks.json is missing: run the tests once with UPDATE_OPENAPI=1.");
        var checkedIn = (await File.ReadAllTextAsync(file)).ReplaceLineEndings("\n");
        Assert.True(served == checkedIn, "openapi/crs-cds-hooks.json differs from the served document: review the change and rerun with UPDATE_OPENAPI=1.");
    }

    [Fact]
    public async Task Document_NeverReflectsFirelyTypes()
    {
        var body = await host.CreateClient().GetStringAsync(new Uri(DocumentPath, UriKind.Relative));

        Assert.DoesNotContain("typeName", body, StringComparison.Ordinal);
        Assert.DoesNotContain("idElement", body, StringComparison.Ordinal);
        Assert.DoesNotContain("ElementId", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Hl7.Fhir", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Document_DescribesTheErrorsAsOperationOutcomesAndOffersBearerAuthorization()
    {
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync(new Uri(DocumentPath, UriKind.Relative)))!;

        var responses = document["paths"]![CallOperation]!["post"]!["responses"]!.AsObject();
        foreach (var status in new[] { "400", "403", "404", "412", "413", "415", "500", "503" })
            Assert.Equal("#/components/schemas/OperationOutcome", responses[status]!["content"]!["application/fhir+json"]!["schema"]!["$ref"]!.GetValue<string>());
        Assert.Equal("bearer", document["components"]!["securitySchemes"]!["bearer"]!["scheme"]!.GetValue<string>());
        var extension = document["components"]!["schemas"]!["CdsRequestExtension"]!["properties"]!["crsCdsHooks.primarySystem"];
        Assert.NotNull(extension);
    }

    [Theory]
    [InlineData("/cds-services/{id}", "post", true)]
    [InlineData("/cds-services/{id}/feedback", "post", true)]
    [InlineData("/cds-services", "get", false)]
    [InlineData("/health/live", "get", false)]
    [InlineData("/health/ready", "get", false)]
    public async Task BearerRequirementAnd401_AreDeclaredExactlyWhereAJwtIsTaken(string path, string method, bool takesJwt)
    {
        var document = JsonNode.Parse(await host.CreateClient().GetStringAsync(new Uri(DocumentPath, UriKind.Relative)))!;

        var operation = document["paths"]![path]![method]!;
        Assert.Equal(takesJwt, operation["security"] is JsonArray { Count: > 0 });
        Assert.Equal(takesJwt, operation["responses"]!["401"] is not null);
        Assert.Null(document["security"]);
    }

    [Fact]
    public async Task RequestExamples_AreTheSamplesShiftedToNow()
    {
        var now = SampleRequestShifter.Anchor.AddDays(10);
        using var later = new ApiHost(null) { Now = now };
        var samples = Directory.GetFiles(RepositoryFiles.PathOf("fhir-samples"), "*.json")
            .Where(IsHookRequest)
            .ToDictionary(f => Path.GetFileNameWithoutExtension(f), File.ReadAllText);

        var document = JsonNode.Parse(await later.CreateClient().GetStringAsync(new Uri(DocumentPath, UriKind.Relative)))!;

        var examples = document["paths"]![CallOperation]!["post"]!["requestBody"]!["content"]!["application/json"]!["examples"]!.AsObject();
        Assert.Equal(samples.Keys.Order(StringComparer.Ordinal), examples.Select(e => e.Key).Order(StringComparer.Ordinal));
        foreach (var (name, json) in samples)
        {
            var expected = JsonNode.Parse(SampleRequestShifter.Shift(json, now))!;
            Assert.True(JsonNode.DeepEquals(expected, examples[name]!["value"]), $"example {name} is not the sample shifted to now");
        }
        var sample = examples["astct-grade2-hypotension"]!["value"]!;
        Assert.Equal("2025-06-25T12:00:00Z", SampleRequestShifter.ShiftText("2025-06-15T12:00:00Z", now - SampleRequestShifter.Anchor));
        Assert.NotEqual(JsonNode.Parse(samples["astct-grade2-hypotension"])!["prefetch"]!.ToJsonString(), sample["prefetch"]!.ToJsonString());
    }

    [Fact]
    public async Task SwaggerUi_IsServed()
    {
        var response = await host.CreateClient().GetAsync(new Uri("/swagger/index.html", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }

    private static bool IsHookRequest(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("hook", out _) && json.RootElement.TryGetProperty("hookInstance", out _);
    }

    /// <summary>The examples are the samples shifted to "now": they are the one time-dependent part, kept out of the comparison.</summary>
    private static JsonNode StripExamples(JsonNode document)
    {
        foreach (var path in document["paths"]!.AsObject())
            foreach (var operation in path.Value!.AsObject())
                if (operation.Value?["requestBody"]?["content"] is JsonObject content)
                    foreach (var media in content)
                        media.Value!.AsObject().Remove("examples");
        return document;
    }

    private static string Normalise(JsonNode document) =>
        document.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }).ReplaceLineEndings("\n") + "\n";
}
