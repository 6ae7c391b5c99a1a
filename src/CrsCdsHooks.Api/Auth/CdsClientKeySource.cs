using Microsoft.IdentityModel.Tokens;

namespace CrsCdsHooks.Api.Auth;

/// <summary>Where one client's public signing keys come from.</summary>
internal interface ICdsClientKeySource
{
    /// <summary>
    /// The client's current keys. When <paramref name="kid"/> is not among them, a remote source refetches once
    /// (rate-limited) before answering; a failed fetch keeps the keys it had.
    /// </summary>
    Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken);
}

/// <summary>Keys given inline in configuration; never fetched.</summary>
internal sealed class InlineJwksKeySource(IReadOnlyList<JsonWebKey> keys) : ICdsClientKeySource
{
    /// <inheritdoc />
    public Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken) => Task.FromResult(keys);
}

/// <summary>
/// Keys downloaded from the client's configured JWKS URL (a bare JWK Set, no OpenID discovery), cached.
/// </summary>
/// <remarks>
/// [operational] CDS-HOOKS.md "Trusting CDS clients": keys cached; an unknown <c>kid</c> refetches once, rate-limited.
/// Not <c>ConfigurationManager&lt;T&gt;</c>: in Microsoft.IdentityModel 8.x its <c>RequestRefresh</c> refetches in
/// the background and the current call still sees the old keys, so the first call after a key rotation would get a
/// 401; its clock cannot be injected either. This cache refetches inside the call (single flight: concurrent calls
/// wait for the same download), at most once per <see cref="CdsAuthOptions.JwksMinimumRefetchInterval"/>, with a
/// short timeout, no redirects and a size cap; stale keys are kept while the host is down.
/// Only the configured URL is ever fetched.
/// </remarks>
internal sealed class RemoteJwksKeySource(
    string issuer,
    Uri jwksUri,
    IHttpClientFactory httpClientFactory,
    CdsAuthOptions options,
    TimeProvider timeProvider,
    ILogger logger) : ICdsClientKeySource, IDisposable
{
    /// <summary>The named HttpClient used for JWKS downloads.</summary>
    public const string HttpClientName = "CrsCdsHooks.Jwks";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile Snapshot _snapshot = new([], null, null);

    /// <summary>How many downloads were attempted (tests and diagnostics).</summary>
    public int FetchAttempts => _fetchAttempts;

    private int _fetchAttempts;

    /// <inheritdoc />
    public async Task<IReadOnlyList<JsonWebKey>> GetKeysAsync(string? kid, CancellationToken cancellationToken)
    {
        Snapshot current = _snapshot;
        if (!NeedsFetch(current, kid) || !MayFetch(current))
        {
            return current.Keys;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another call may have fetched while this one waited.
            current = _snapshot;
            if (!NeedsFetch(current, kid) || !MayFetch(current))
            {
                return current.Keys;
            }

            return await FetchAsync(current, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private bool NeedsFetch(Snapshot snapshot, string? kid)
    {
        if (snapshot.FetchedAt is null)
        {
            return true;
        }

        if (timeProvider.GetUtcNow() - snapshot.FetchedAt.Value >= options.JwksRefreshInterval)
        {
            return true;
        }

        return !string.IsNullOrEmpty(kid) && !snapshot.Keys.Any(k => string.Equals(k.Kid, kid, StringComparison.Ordinal));
    }

    private bool MayFetch(Snapshot snapshot) =>
        snapshot.AttemptedAt is null
        || timeProvider.GetUtcNow() - snapshot.AttemptedAt.Value >= options.JwksMinimumRefetchInterval;

    private async Task<IReadOnlyList<JsonWebKey>> FetchAsync(Snapshot current, CancellationToken cancellationToken)
    {
        DateTimeOffset now = timeProvider.GetUtcNow();
        Interlocked.Increment(ref _fetchAttempts);
        string? problem;
        IReadOnlyList<JsonWebKey> keys = [];
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.JwksFetchTimeout);
            HttpClient client = httpClientFactory.CreateClient(HttpClientName);
            using var request = new HttpRequestMessage(HttpMethod.Get, jwksUri);
            request.Headers.Accept.ParseAdd("application/json");
            using HttpResponseMessage response = await client
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                problem = $"HTTP {(int)response.StatusCode}";
            }
            else if (response.Content.Headers.ContentLength > JwksDocument.MaxBytes)
            {
                problem = "document too large";
            }
            else
            {
                string? json = await ReadCappedAsync(response.Content, timeout.Token).ConfigureAwait(false);
                if (json is null)
                {
                    problem = "document too large";
                }
                else if (!JwksDocument.TryParse(json, out keys, out problem))
                {
                    keys = [];
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"no answer within {options.JwksFetchTimeout.TotalMilliseconds:0} ms";
        }
        catch (HttpRequestException ex)
        {
            problem = $"unreachable ({ex.HttpRequestError})";
        }
        catch (IOException)
        {
            problem = "connection broken while reading";
        }

        if (problem is null)
        {
            _snapshot = new Snapshot(keys, now, now);
            CdsTrustLog.JwksFetched(logger, issuer, jwksUri, keys.Count);
            return keys;
        }

        // Stale keys are better than none: keep what we had, and wait before trying again.
        _snapshot = current with { AttemptedAt = now };
        CdsTrustLog.JwksFetchFailed(logger, issuer, jwksUri, problem, current.Keys.Count);
        return current.Keys;
    }

    private static async Task<string?> ReadCappedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        Stream stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            byte[] buffer = new byte[JwksDocument.MaxBytes + 1];
            int total = 0;
            int read;
            while (total < buffer.Length
                && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return total > JwksDocument.MaxBytes ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, total);
        }
    }

    private sealed record Snapshot(IReadOnlyList<JsonWebKey> Keys, DateTimeOffset? FetchedAt, DateTimeOffset? AttemptedAt);
}
