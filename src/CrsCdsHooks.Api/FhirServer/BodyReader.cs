using System.Text.Json;

namespace CrsCdsHooks.Api.FhirServer;

/// <summary>Reads a JSON body under a size cap, into pooled memory.</summary>
/// <remarks>
/// The bytes are read by <see cref="JsonDocument.ParseAsync(Stream, JsonDocumentOptions, CancellationToken)"/> into
/// buffers rented from the shared array pool, which the document returns when it is disposed. A hook request is
/// typically 0.5–15 MB: reading it into a growing <see cref="MemoryStream"/> allocated several large-object-heap
/// arrays per call, and those pushed the server into a full (gen 2) garbage collection every few calls.
/// </remarks>
internal static class BodyReader
{
    /// <summary>The parsed body, or why not: <see cref="BodyReadOutcome.TooLarge"/>, <see cref="BodyReadOutcome.Empty"/>, or the <see cref="JsonException"/>.</summary>
    public static async Task<(JsonDocument? Document, BodyReadOutcome Outcome, JsonException? Invalid)> ParseCappedAsync(
        Stream stream, long maxBytes, JsonDocumentOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var capped = new CappedStream(stream, maxBytes);
        try
        {
            var document = await JsonDocument.ParseAsync(capped, options, cancellationToken).ConfigureAwait(false);
            return (document, BodyReadOutcome.Parsed, null);
        }
        catch (BodyTooLargeException)
        {
            return (null, BodyReadOutcome.TooLarge, null);
        }
        catch (JsonException ex)
        {
            // Over the cap is "too large" even when the JSON broke first; no byte at all is "empty".
            if (capped.Exceeded) return (null, BodyReadOutcome.TooLarge, null);
            return capped.BytesRead == 0 ? (null, BodyReadOutcome.Empty, null) : (null, BodyReadOutcome.Invalid, ex);
        }
    }

    /// <summary>Passes reads through, counting bytes, and throws once more than the cap has arrived.</summary>
    private sealed class CappedStream(Stream inner, long maxBytes) : Stream
    {
        public long BytesRead { get; private set; }

        public bool Exceeded { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            BytesRead += read;
            if (BytesRead > maxBytes)
            {
                Exceeded = true;
                throw new BodyTooLargeException();
            }
            return read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private sealed class BodyTooLargeException : IOException;
}

/// <summary>How reading a capped JSON body ended.</summary>
internal enum BodyReadOutcome
{
    /// <summary>Parsed.</summary>
    Parsed,
    /// <summary>More bytes than the cap.</summary>
    TooLarge,
    /// <summary>No bytes at all.</summary>
    Empty,
    /// <summary>Not valid JSON (or deeper than allowed, or a repeated member when refused).</summary>
    Invalid,
}
