using System.Text.Json;

using CrsCdsHooks.Api.Logging;

namespace CrsCdsHooks.Api.OpenApi;

/// <summary>One sample hook request from <c>fhir-samples/</c>.</summary>
/// <param name="Name">The file name without extension (the example's key in Swagger).</param>
/// <param name="Json">The request as written, anchored at the samples' asOf.</param>
internal sealed record SampleRequest(string Name, string Json);

/// <summary>
/// The sample hook requests shipped next to the service (every <c>*.json</c> of the repository's
/// <c>fhir-samples/</c> folder, copied to the output). Files that are not hook requests are skipped with a warning.
/// </summary>
internal sealed class SampleRequestCatalog
{
    public const string FolderName = "fhir-samples";

    private readonly Lazy<IReadOnlyList<SampleRequest>> _requests;

    public SampleRequestCatalog(ILogger<SampleRequestCatalog> logger)
        : this(Path.Combine(AppContext.BaseDirectory, FolderName), logger)
    {
    }

    public SampleRequestCatalog(string folder, ILogger<SampleRequestCatalog> logger)
    {
        Folder = folder;
        _requests = new Lazy<IReadOnlyList<SampleRequest>>(() => Load(folder, logger));
    }

    public string Folder { get; }

    public IReadOnlyList<SampleRequest> Requests => _requests.Value;

    private static List<SampleRequest> Load(string folder, ILogger logger)
    {
        if (!Directory.Exists(folder)) return [];
        var samples = new List<SampleRequest>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var json = File.ReadAllText(file);
            if (IsHookRequest(json)) samples.Add(new SampleRequest(Path.GetFileNameWithoutExtension(file), json));
            else Log.SampleSkipped(logger, Path.GetFileName(file));
        }
        return samples;
    }

    private static bool IsHookRequest(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("hook", out _) && root.TryGetProperty("hookInstance", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
