using System.Globalization;
using System.Text;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// The README's "Reliability" figures, written by the tests that measure them to <c>TestResults/reliability.txt</c>
/// (one line per figure, keyed, replaced when the test runs again; safe across test classes and processes).
/// </summary>
internal static class ReliabilityFigures
{
    private static readonly Lock Gate = new();

    public static string FilePath => RepositoryFiles.PathOf("TestResults", "reliability.txt");

    /// <summary>Writes (or replaces) the line <c>key: text</c>.</summary>
    public static void Record(string key, string text)
    {
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    using var file = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    string existing;
                    using (var reader = new StreamReader(file, Encoding.UTF8, leaveOpen: true)) existing = reader.ReadToEnd();
                    var lines = existing.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                        .Where(l => !l.StartsWith(key + ":", StringComparison.Ordinal))
                        .Append($"{key}: {text} ({DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)})")
                        .Order(StringComparer.Ordinal);
                    file.SetLength(0);
                    using var writer = new StreamWriter(file, new UTF8Encoding(false));
                    foreach (var line in lines) writer.Write(line + "\n");
                    return;
                }
                catch (IOException) when (attempt < 50)
                {
                    Thread.Sleep(20);
                }
            }
        }
    }
}
