using System.Net;
using System.Text.Json;

namespace CrsCdsHooks.Api.Tests.Endpoints;

/// <summary>Asserts the error contract: the status, a FHIR OperationOutcome body, and the texts of its issues.</summary>
public static class OperationOutcomeAssert
{
    public static async Task<IReadOnlyList<string>> IsOutcomeAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("OperationOutcome", json.RootElement.GetProperty("resourceType").GetString());
        var texts = json.RootElement.GetProperty("issue").EnumerateArray()
            .Select(i => i.GetProperty("details").GetProperty("text").GetString() ?? "")
            .ToList();
        Assert.NotEmpty(texts);
        Assert.All(texts, t => Assert.False(string.IsNullOrWhiteSpace(t)));
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // never a stack trace
        return texts;
    }

    public static async Task<string> IsOutcomeSayingAsync(HttpResponseMessage response, HttpStatusCode status, string expected)
    {
        var texts = await IsOutcomeAsync(response, status);
        var all = string.Join(" | ", texts);
        Assert.Contains(expected, all, StringComparison.Ordinal);
        return all;
    }
}
