using System.Diagnostics;
using System.Text.Json.Nodes;

using CrsCdsHooks.Api.Tests.FhirServer;
using CrsCdsHooks.Api.Tests.Hardening;
using CrsCdsHooks.Api.Tests.Infrastructure;

using Microsoft.Data.Sqlite;

using Xunit.Abstractions;

namespace CrsCdsHooks.Api.Tests.EndToEnd;

/// <summary>
/// The README's "Try it" curl lines, run by bash and the real curl against the built service started as a separate
/// process in Development (as <c>dotnet run</c> starts it), word for word but for the port and a trailing
/// <c>-w</c> that prints the HTTP status. <see cref="ReadmeTests"/> replays the same lines in process.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class ReadmeCurlTests(ITestOutputHelper output) : IDisposable
{
    private const string ReadmeAuthority = "localhost:5080";
    private const string StatusMarker = "\nHTTP ";

    private readonly string _database = Path.Combine(Path.GetTempPath(), $"crscdshooks-readme-{Guid.NewGuid():N}.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
        {
            if (File.Exists(file)) File.Delete(file);
        }
    }

    [Fact]
    public async Task EveryCurlLineOfTheReadme_RunsWordForWord_AgainstTheBuiltService()
    {
        Assert.True(File.Exists("/usr/bin/curl") || File.Exists("/bin/curl"), "curl is not installed: apt-get install -y curl (.ci/run installs it)");
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["CdsHooks__Storage__ConnectionString"] = $"Data Source={_database}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        using var service = await ServiceProcess.StartAsync(environment, TimeSpan.FromSeconds(60));
        var commands = ReadmeTests.ReadCurlCommands();
        Assert.NotEmpty(commands);

        foreach (var command in commands)
        {
            Assert.Contains(ReadmeAuthority, command, StringComparison.Ordinal);
            var line = command.Replace(ReadmeAuthority, service.Address.Authority, StringComparison.Ordinal) + " -w '\\nHTTP %{http_code}'";
            var (exit, stdout, stderr) = await RunBashAsync(line);
            output.WriteLine($"{command}\n→ exit {exit}, {stdout.Length} characters");

            Assert.True(exit == 0, $"{command}\nexited {exit}: {stderr}");
            var at = stdout.LastIndexOf(StatusMarker, StringComparison.Ordinal);
            Assert.True(at >= 0, $"{command}\nprinted no status: {stdout}");
            var status = stdout[(at + StatusMarker.Length)..].Trim();
            var body = stdout[..at];
            Assert.True(status == "200", $"{command}\n→ HTTP {status}: {Clip(body)}");
            Expect(command, body);
        }
    }

    /// <summary>What each kind of README line must answer beyond a 200.</summary>
    private static void Expect(string command, string body)
    {
        if (command.Contains("/feedback", StringComparison.Ordinal)) return; // a 200 with no body is the answer
        var json = JsonNode.Parse(body)!;
        if (command.Contains("/health/ready", StringComparison.Ordinal))
        {
            Assert.Equal("ready", json["status"]!.GetValue<string>());
        }
        else if (command.Contains("crs-patient-view", StringComparison.Ordinal))
        {
            var cards = json["cards"]!.AsArray();
            if (command.Contains("astct-grade2-hypotension", StringComparison.Ordinal))
                Assert.Contains("CRS grade 2", Assert.Single(cards)!["summary"]!.GetValue<string>(), StringComparison.Ordinal);
            else if (command.Contains("sepsis-mimic-positive-blood-culture", StringComparison.Ordinal))
                Assert.Equal(2, cards.Count);
            else
                Assert.NotNull(cards);
        }
        else if (command.TrimEnd().EndsWith("/cds-services", StringComparison.Ordinal))
        {
            Assert.Contains(json["services"]!.AsArray(), s => s!["id"]!.GetValue<string>() == "crs-patient-view");
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunBashAsync(string line)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryFiles.PathOf("."), // the README's "from the repository root"
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-o");
        start.ArgumentList.Add("pipefail");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(line);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    private static string Clip(string text) => text.Length <= 400 ? text : text[..400] + "…";
}
