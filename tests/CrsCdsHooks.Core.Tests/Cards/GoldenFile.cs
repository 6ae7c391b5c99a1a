using CrsCdsHooks.Core.Tests.Architecture;

namespace CrsCdsHooks.Core.Tests.Cards;

/// <summary>
/// Golden files under tests/CrsCdsHooks.Core.Tests/Golden/, compared after newline normalisation. With
/// UPDATE_GOLDEN=1 the test writes the actual output back to the source folder (review the diff like code).
/// </summary>
internal static class GoldenFile
{
    public static void AssertMatches(string fileName, string actual)
    {
        var normalized = Normalize(actual);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            var source = Path.Combine(CorePurityTests.RepoRoot(), "tests", "CrsCdsHooks.Core.Tests", "Golden", fileName);
            Directory.CreateDirectory(Path.GetDirectoryName(source)!);
            File.WriteAllText(source, normalized);
            return;
        }

        var path = Path.Combine(AppContext.BaseDirectory, "Golden", fileName);
        Assert.True(File.Exists(path), $"Golden file {fileName} is missing: run the tests with UPDATE_GOLDEN=1 and review it.");
        Assert.Equal(Normalize(File.ReadAllText(path)), normalized);
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd('\n') + "\n";
}
