using CrsCdsHooks.Api.Storage;

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrsCdsHooks.Api.Tests.Storage;

/// <summary>AddCdsStorage: the database is created at start-up; a bad <c>CdsHooks:Storage</c> value stops start-up naming the key.</summary>
public sealed class CdsStorageOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IHost Build(Dictionary<string, string?> settings)
    {
        Directory.CreateDirectory(_folder.Path);
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            EnvironmentName = "Production",
            ContentRootPath = _folder.Path,
            DisableDefaults = true,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.Services.AddCdsStorage(builder.Configuration);
        return builder.Build();
    }

    [Fact]
    public async Task Defaults_CreateTheDatabaseInTheDataFolderOnStart()
    {
        using IHost host = Build([]);
        await host.StartAsync();

        Assert.True(File.Exists(Path.Combine(_folder.Path, "data", "crscdshooks.db")));
        Assert.True(await host.Services.GetRequiredService<IFeedbackStore>().IsReachableAsync(CancellationToken.None));
        Assert.Same(host.Services.GetRequiredService<IFeedbackStore>(), host.Services.GetRequiredService<IFeedbackReport>());
        await host.StopAsync();
    }

    [Fact]
    public async Task AbsoluteDataSource_UsedAsGiven()
    {
        string file = _folder.File("elsewhere/feedback.sqlite");
        using IHost host = Build(new() { ["CdsHooks:Storage:ConnectionString"] = "Data Source=" + file });
        await host.StartAsync();

        Assert.True(File.Exists(file));
        await host.StopAsync();
    }

    [Theory]
    [InlineData("CdsHooks:Storage:Provider", "Postgres", "CdsHooks:Storage:ConnectionString is required with CdsHooks:Storage:Provider 'Postgres'")]
    [InlineData("CdsHooks:Storage:Provider", "postgres", "CdsHooks:Storage:ConnectionString is required with CdsHooks:Storage:Provider 'Postgres'")]
    [InlineData("CdsHooks:Storage:Provider", "MongoDb", "CdsHooks:Storage:Provider 'MongoDb' is unknown")]
    [InlineData("CdsHooks:Storage:ConnectionString", "Data Source=:memory:", "CdsHooks:Storage:ConnectionString is an in-memory database")]
    [InlineData("CdsHooks:Storage:ConnectionString", "Data Source=x.db;Mode=Memory", "CdsHooks:Storage:ConnectionString is an in-memory database")]
    [InlineData("CdsHooks:Storage:ConnectionString", "Data Source=x.db;Mode=ReadOnly", "CdsHooks:Storage:ConnectionString is read-only")]
    [InlineData("CdsHooks:Storage:ConnectionString", "Server=db;Database=x", "CdsHooks:Storage:ConnectionString is not a SQLite connection string")]
    [InlineData("CdsHooks:Storage:ConnectionString", "", "CdsHooks:Storage:ConnectionString needs a Data Source")]
    [InlineData("CdsHooks:Storage:PatientHashSalt", "c2hvcnQ=", "CdsHooks:Storage:PatientHashSalt")]
    [InlineData("CdsHooks:Storage:PatientHashSalt", "not base64 at all!", "CdsHooks:Storage:PatientHashSalt")]
    [InlineData("CdsHooks:Storage:KeepOverrideComments", "maybe", "CdsHooks:Storage:KeepOverrideComments")]
    public async Task BadValue_StopsStartUp_NamingTheKey(string key, string value, string expected)
    {
        using IHost host = Build(new() { [key] = value });
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Data Source=crscdshooks.db", "CdsHooks:Storage:ConnectionString is not an Npgsql connection string")]
    [InlineData("Database=crscdshooks;Username=crs", "CdsHooks:Storage:ConnectionString needs a Host")]
    [InlineData("   ", "CdsHooks:Storage:ConnectionString is required with CdsHooks:Storage:Provider 'Postgres'")]
    public async Task Postgres_WithABadConnectionString_StopsStartUp_NamingTheKey(string connectionString, string expected)
    {
        using IHost host = Build(new() { ["CdsHooks:Storage:Provider"] = "Postgres", ["CdsHooks:Storage:ConnectionString"] = connectionString });
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_ServerUnreachable_StopsStartUp_NamingTheKeyAndTheServer_NotThePassword()
    {
        int port = ClosedPort();
        using IHost host = Build(new()
        {
            ["CdsHooks:Storage:Provider"] = "Postgres",
            ["CdsHooks:Storage:ConnectionString"] = $"Host=127.0.0.1;Port={port};Database=crs;Username=crs;Password=s3cret-pw;Timeout=3",
        });
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("CdsHooks:Storage:ConnectionString", error.Message, StringComparison.Ordinal);
        Assert.Contains($"database crs on 127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error.ToString(), StringComparison.Ordinal);
        Assert.False(await host.Services.GetRequiredService<IFeedbackStore>().IsReachableAsync(CancellationToken.None));
    }

    /// <summary>A loopback port nothing listens on (bound, then released).</summary>
    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
