namespace CrsCdsHooks.Api.Tests.Infrastructure;

/// <summary>Files of the repository (README, openapi/, fhir-samples/), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CrsCdsHooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CrsCdsHooks.sln not found above " + AppContext.BaseDirectory);
    }
}
