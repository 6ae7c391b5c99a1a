using System.Net;
using System.Text.Json;

using CrsCdsHooks.Api.Tests.Infrastructure;
using CrsCdsHooks.Core.Samples;

namespace CrsCdsHooks.Api.Tests.CdsHooks;

/// <summary>Every hook request in fhir-samples/ is a valid request for the service (the core is faked here; its grades are tested in the core).</summary>
public sealed class SampleRequestTests(SharedApiHost host) : IClassFixture<SharedApiHost>
{
    public static TheoryData<string> Samples()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(RepositoryFiles.PathOf("fhir-samples"), "*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            if (json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("hook", out _))
                data.Add(Path.GetFileName(file));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public async Task Sample_IsAcceptedAndReachesTheCoreAtTheSampleTime(string file)
    {
        var json = await File.ReadAllTextAsync(RepositoryFiles.PathOf("fhir-samples", file));

        var response = await host.PostJsonAsync(ApiHost.ServicePath, json);

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal(SampleRequestShifter.Anchor, host.Evaluator.Inputs.Last().AsOf);
    }
}
