using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

using Microsoft.Extensions.Caching.Distributed;

namespace CrsCdsHooks.Api.Auth;

/// <summary>Remembers the <c>jti</c> of accepted tokens until they expire, so a token cannot be replayed.</summary>
internal interface IJtiReplayCache
{
    /// <summary>
    /// Records <paramref name="jti"/> of <paramref name="issuer"/> until <paramref name="keepUntil"/>.
    /// True when it was not seen before; false for a replay.
    /// </summary>
    ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken);
}

/// <summary>The jti cache of one instance (the default). Expired entries are swept at most once a minute.</summary>
internal sealed class InMemoryJtiReplayCache(TimeProvider timeProvider) : IJtiReplayCache
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    /// <summary>Entries currently held (tests).</summary>
    public int Count => _seen.Count;

    /// <inheritdoc />
    public ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        SweepIfDue(now);
        string key = issuer + "\n" + jti;
        while (true)
        {
            if (_seen.TryAdd(key, keepUntil))
            {
                return ValueTask.FromResult(true);
            }

            if (!_seen.TryGetValue(key, out DateTimeOffset existing))
            {
                continue; // swept between the two calls: try again
            }

            if (existing > now)
            {
                return ValueTask.FromResult(false);
            }

            // The earlier token has expired: reusing its jti is a new token, not a replay.
            if (_seen.TryUpdate(key, keepUntil, existing))
            {
                return ValueTask.FromResult(true);
            }
        }
    }

    private void SweepIfDue(DateTimeOffset now)
    {
        long due = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextSweepTicks, (now + SweepEvery).UtcTicks, due) != due)
        {
            return;
        }

        foreach (KeyValuePair<string, DateTimeOffset> entry in _seen)
        {
            if (entry.Value <= now)
            {
                _seen.TryRemove(entry);
            }
        }
    }
}

/// <summary>
/// The jti cache shared by several instances through an <see cref="IDistributedCache"/> (Redis, SQL Server…).
/// Register it with <see cref="CdsClientTrust.AddDistributedJtiReplayCache"/> after adding a distributed cache.
/// </summary>
/// <remarks>
/// [operational] <see cref="IDistributedCache"/> has no atomic add-if-absent: within one instance the check and the
/// write are serialised, but two instances receiving the same jti in the same few milliseconds could both accept it.
/// A store with an atomic "set if not exists" (Redis <c>SET NX</c>) closes that window if it ever matters.
/// Keys are a SHA-256 of issuer and jti, so a client cannot choose cache keys.
/// </remarks>
internal sealed class DistributedJtiReplayCache(IDistributedCache cache, TimeProvider timeProvider) : IJtiReplayCache, IDisposable
{
    private const string KeyPrefix = "crscdshooks:jti:";
    private static readonly byte[] Marker = [1];
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <inheritdoc />
    public async ValueTask<bool> TryRecordAsync(string issuer, string jti, DateTimeOffset keepUntil, CancellationToken cancellationToken)
    {
        string key = KeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(issuer + "\n" + jti)));
        DateTimeOffset now = timeProvider.GetUtcNow();
        DateTimeOffset until = keepUntil > now ? keepUntil : now.AddSeconds(1);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (await cache.GetAsync(key, cancellationToken).ConfigureAwait(false) is not null)
            {
                return false;
            }

            await cache.SetAsync(key, Marker, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = until - now }, cancellationToken)
                .ConfigureAwait(false);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();
}
