using System.Reflection;

using CrsCdsHooks.Core;

namespace CrsCdsHooks.Core.Tests.Architecture;

public sealed class CorePurityTests
{
    private static readonly Assembly Core = typeof(CrsPatientView).Assembly;

    [Fact]
    public void Core_ReferencesNoAspNetCoreAssembly()
    {
        var aspNet = Core.GetReferencedAssemblies()
            .Where(a => a.Name is not null && a.Name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .Select(a => a.Name)
            .ToList();
        Assert.Empty(aspNet);
    }

    [Fact]
    public void Core_ReferencesNoHttpClientAssembly()
    {
        Assert.DoesNotContain(Core.GetReferencedAssemblies(), a => a.Name == "System.Net.Http");
    }

    [Fact]
    public void Core_BansClockAndGuidThroughTheAnalyzer()
    {
        var banned = File.ReadAllText(Path.Combine(RepoRoot(), "src", "CrsCdsHooks.Core", "BannedSymbols.txt"));
        Assert.Contains("P:System.DateTime.UtcNow", banned, StringComparison.Ordinal);
        Assert.Contains("P:System.DateTimeOffset.UtcNow", banned, StringComparison.Ordinal);
        Assert.Contains("M:System.Guid.NewGuid", banned, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_DefaultsAreValid_AndABadWindowNamesItsKey()
    {
        Assert.Empty(new CrsOptions().Validate());
        var bad = new CrsOptions { WindowHours = 5 };
        Assert.Contains(bad.Validate(), e => e.Contains("CdsHooks:Grading:WindowHours", StringComparison.Ordinal));
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CrsCdsHooks.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("CrsCdsHooks.sln not found above the test output.");
    }
}
