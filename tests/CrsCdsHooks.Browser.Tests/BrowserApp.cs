using System.Net;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrsCdsHooks.Browser.Tests;

/// <summary>
/// The real service as <c>dotnet run</c> starts it (Development, real core, SQLite store, Swagger UI, system clock),
/// on Kestrel at a free loopback port so that a real browser can reach it. Its database is a temp file.
/// </summary>
public sealed class BrowserApp : WebApplicationFactory<Program>
{
    private readonly string _database = Path.Combine(Path.GetTempPath(), $"crscdshooks-browser-{Guid.NewGuid():N}.db");

    static BrowserApp()
    {
        // Never watch appsettings files (each watcher costs an inotify instance).
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    public BrowserApp()
    {
        UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
    }

    /// <summary>Starts the server (once) and returns its base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Start()
    {
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["CdsHooks:Storage:ConnectionString"] = $"Data Source={_database}",
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing) return;
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_database + suffix);
    }
}
