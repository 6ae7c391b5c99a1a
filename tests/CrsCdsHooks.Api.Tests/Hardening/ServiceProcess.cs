using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using CrsCdsHooks.Api.Tests.Infrastructure;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>
/// The built service (<c>dotnet src/CrsCdsHooks.Api/bin/…/CrsCdsHooks.Api.dll --urls …</c>) as a separate process, as
/// an operator runs it: its own runtime, its own SQLite connections, killable with SIGKILL. Each line it writes to
/// stdout or stderr (its console log) is checked by the run's <see cref="LeakGuard"/>; disposing throws
/// <see cref="LogLeakException"/> if one leaked.
/// </summary>
internal sealed class ServiceProcess : IDisposable
{
    private readonly Process _process;

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Everything the process wrote to stdout and stderr.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>What of its output leaked.</summary>
    public LeakRecorder Leaks { get; } = new("service process");

    public int Id => _process.Id;

    /// <summary>The service's dll from the build the tests run in (the test project references the service, so it is built).</summary>
    public static string ServiceDll()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var dll = RepositoryFiles.PathOf("src", "CrsCdsHooks.Api", "bin", configuration, "net10.0", "CrsCdsHooks.Api.dll");
        Assert.True(File.Exists(dll), $"the service is not built at {dll}");
        return dll;
    }

    /// <summary>Starts the service on a free loopback port with these environment variables and waits until /health/ready answers 200.</summary>
    public static async Task<ServiceProcess> StartAsync(IDictionary<string, string> environment, TimeSpan timeout)
    {
        var dll = ServiceDll();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // the content root: appsettings*.json
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["DOTNET_hostBuilder__reloadConfigOnChange"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        LeakGuard.HostStarted("service processes");
        var service = new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => service.Received("stdout", e.Data);
        process.ErrorDataReceived += (_, e) => service.Received("stderr", e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = service.Address, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited) break;
            try
            {
                using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK) return service;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }
            await Task.Delay(100);
        }
        service.Dispose();
        throw new InvalidOperationException($"the service did not become ready in {timeout}:\n" + string.Join("\n", service.Output.TakeLast(40)));
    }

    /// <summary>SIGKILL: no shutdown, no flush, no finalizers — a power cut as far as the process is concerned.</summary>
    public void KillHard()
    {
        if (_process.HasExited) return;
        _process.Kill(); // on Linux: SIGKILL
        _process.WaitForExit(10_000);
    }

    /// <summary>Kills the process, reads the rest of its output, then fails the test if a line of it leaked.</summary>
    public void Dispose()
    {
        KillHard();
        _process.WaitForExit(); // after the exit: until stdout and stderr are read to their end
        _process.Dispose();
        Leaks.ThrowIfLeaked();
    }

    private void Received(string stream, string? line)
    {
        if (line is null) return;
        Leaks.Line(stream, "console", line);
        Output.Enqueue(line);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
