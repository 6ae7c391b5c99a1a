using System.Diagnostics;
using System.Globalization;
using System.Text;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Performance;

/// <summary>
/// bench/load/run.sh cannot rot: its smoke mode starts the service (this test run's own build), sends W1 for a few
/// seconds with wrk over loopback HTTP (the script installs Debian's wrk when it is missing) and must print a result
/// line that parses, with every answer a 200 carrying cards. No timing is asserted: the numbers are the README's.
/// </summary>
public sealed class LoadScriptSmokeTests
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    [Fact]
    public async Task LoadScript_SmokeRunOfW1_PrintsAParseableResultWithoutErrors()
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryFiles.Root,
        };
        foreach (var argument in new[] { RepositoryFiles.PathOf("bench", "load", "run.sh"), "--smoke", "--no-build", "--configuration", Configuration })
            start.ArgumentList.Add(argument);

        using var script = Process.Start(start)!;
        var stdout = script.StandardOutput.ReadToEndAsync();
        var stderr = script.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await script.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            Assert.Fail($"run.sh --smoke did not finish in 4 minutes\n{await stderr}");
        }
        var output = await stdout;
        Assert.True(script.ExitCode == 0, $"run.sh --smoke exited with {script.ExitCode}\nstdout:\n{output}\nstderr:\n{await stderr}");

        var line = output.Split('\n').SingleOrDefault(l => l.StartsWith("RESULT scenario=w1-c1 ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no RESULT line for w1-c1 in:\n{output}");
        var values = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        Assert.True(long.Parse(values["requests"], CultureInfo.InvariantCulture) > 0, line);
        Assert.Equal(values["requests"], values["ok"]);
        Assert.Equal("0", values["non200"]);
        Assert.Equal("0", values["nocards"]);
        Assert.Equal("0", values["socket_errors"]);
        var p50 = double.Parse(values["p50_ms"], CultureInfo.InvariantCulture);
        var p99 = double.Parse(values["p99_ms"], CultureInfo.InvariantCulture);
        Assert.True(p50 > 0 && p99 >= p50, line);
        Assert.Contains("| w1-c1 | w1 | 1 |", output, StringComparison.Ordinal);
    }
}
