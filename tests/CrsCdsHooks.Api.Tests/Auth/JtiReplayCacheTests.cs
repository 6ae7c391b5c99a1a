using CrsCdsHooks.Api.Auth;

using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

using static CrsCdsHooks.Api.Tests.Auth.TrustTestHost;

namespace CrsCdsHooks.Api.Tests.Auth;

public sealed class JtiReplayCacheTests
{
    private static readonly DateTimeOffset Exp = T0.AddMinutes(5);

    [Fact]
    public async Task InMemory_SecondUseOfAJti_IsAReplay()
    {
        var cache = new InMemoryJtiReplayCache(new ManualTimeProvider(T0));

        Assert.True(await cache.TryRecordAsync("iss-a", "j1", Exp, CancellationToken.None));
        Assert.False(await cache.TryRecordAsync("iss-a", "j1", Exp, CancellationToken.None));
        Assert.True(await cache.TryRecordAsync("iss-b", "j1", Exp, CancellationToken.None));
    }

    [Fact]
    public async Task InMemory_AfterExpiry_JtiForgottenAndSwept()
    {
        var clock = new ManualTimeProvider(T0);
        var cache = new InMemoryJtiReplayCache(clock);
        Assert.True(await cache.TryRecordAsync("iss-a", "j1", Exp, CancellationToken.None));

        clock.Now = Exp.AddMinutes(2);
        Assert.True(await cache.TryRecordAsync("iss-a", "j2", Exp.AddMinutes(10), CancellationToken.None));
        Assert.Equal(1, cache.Count);
        Assert.True(await cache.TryRecordAsync("iss-a", "j1", Exp.AddMinutes(10), CancellationToken.None));
    }

    [Fact]
    public async Task InMemory_ConcurrentSameJti_ExactlyOneWins()
    {
        var cache = new InMemoryJtiReplayCache(new ManualTimeProvider(T0));
        bool[] results = await Task.WhenAll(Enumerable.Range(0, 64)
            .Select(_ => Task.Run(async () => await cache.TryRecordAsync("iss", "same", Exp, CancellationToken.None))));

        Assert.Equal(1, results.Count(r => r));
    }

    [Fact]
    public async Task Distributed_SecondUseOfAJti_IsAReplay()
    {
        var memory = new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        using var cache = new DistributedJtiReplayCache(memory, new ManualTimeProvider(T0));

        Assert.True(await cache.TryRecordAsync("iss-a", "j1", Exp, CancellationToken.None));
        Assert.False(await cache.TryRecordAsync("iss-a", "j1", Exp, CancellationToken.None));
        Assert.True(await cache.TryRecordAsync("iss-b", "j1", Exp, CancellationToken.None));
    }

    [Fact]
    public async Task Distributed_SharedByTwoInstances_ReplayAcrossInstancesRefused()
    {
        var shared = new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        using var first = new DistributedJtiReplayCache(shared, new ManualTimeProvider(T0));
        using var second = new DistributedJtiReplayCache(shared, new ManualTimeProvider(T0));

        Assert.True(await first.TryRecordAsync("iss", "j1", Exp, CancellationToken.None));
        Assert.False(await second.TryRecordAsync("iss", "j1", Exp, CancellationToken.None));
    }

    [Fact]
    public async Task Distributed_KeysAreHashes_NotClientChosen()
    {
        var recording = new RecordingDistributedCache();
        using var cache = new DistributedJtiReplayCache(recording, new ManualTimeProvider(T0));
        await cache.TryRecordAsync("https://ehr.example.org", "../../evil key", Exp, CancellationToken.None);

        string key = Assert.Single(recording.Keys);
        Assert.Matches("^crscdshooks:jti:[0-9a-f]{64}$", key);
    }

    [Fact]
    public async Task Distributed_ReplacesInMemory_InTheHost()
    {
        var settings = new Dictionary<string, string?>
        {
            ["CdsHooks:PublicBaseUrl"] = BaseUrl,
            ["CdsHooks:Auth:Clients:0:Issuer"] = InlineIssuer,
            ["CdsHooks:Auth:Clients:0:Jwks"] = TestKey.Jwks(CdsClientTrustTests.Ec),
        };
        await using TrustTestHost host = await StartAsync("Production", settings, services => services
            .AddDistributedMemoryCache()
            .AddDistributedJtiReplayCache());
        Assert.IsType<DistributedJtiReplayCache>(host.App.Services.GetRequiredService<IJtiReplayCache>());

        Dictionary<string, object?> claims = Claims(InlineIssuer);
        string token = TokenMint.Sign(Header(CdsClientTrustTests.Ec, "ES384"), claims, CdsClientTrustTests.Ec.PrivateKey);
        using HttpResponseMessage first = await host.PostAsync(InvokePath, token);
        Assert.Equal(System.Net.HttpStatusCode.OK, first.StatusCode);
        using HttpResponseMessage replay = await host.PostAsync(InvokePath, token);
        await CdsClientTrustTests.AssertUnauthorizedAsync(replay, CdsTokenFailure.ReplayedJti);
    }

    private sealed class RecordingDistributedCache : IDistributedCache
    {
        public List<string> Keys { get; } = [];

        public byte[]? Get(string key) => null;

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => Task.FromResult<byte[]?>(null);

        public void Refresh(string key)
        {
        }

        public Task RefreshAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Remove(string key)
        {
        }

        public Task RemoveAsync(string key, CancellationToken token = default) => Task.CompletedTask;

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => Keys.Add(key);

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            Keys.Add(key);
            return Task.CompletedTask;
        }
    }
}
