using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace CrsCdsHooks.Api.FhirServer;

/// <summary>Reads a stream into memory, refusing to read more than a limit.</summary>
internal static class BodyReader
{
    /// <summary>
    /// The offset of the first string or member name in well-formed JSON whose escapes do not decode to Unicode (an
    /// unpaired UTF-16 surrogate such as <c>"\uD800"</c>), or null when there is none. Such JSON is grammatical, but
    /// System.Text.Json throws wherever the text is read — including while looking up a member by name in an
    /// object that merely contains such a name — so it is refused before anything reads it.
    /// </summary>
    public static long? FirstUndecodableEscape(ReadOnlySpan<byte> json, int maxDepth)
    {
        // Tokenising the whole body costs about half a parse; a surrogate escape is spelt \uD800–\uDFFF, so a
        // body without "\u" before a 'd' or 'D' cannot hold one (a "\\u" only makes the check run).
        if (!MayEscapeSurrogate(json)) return null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        char[]? text = null; // escaped strings are rare (narratives): unescaped into one pooled buffer, never allocated
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                var length = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length; // ≥ the unescaped chars
                if (text is null || text.Length < length)
                {
                    if (text is not null) ArrayPool<char>.Shared.Return(text);
                    text = ArrayPool<char>.Shared.Rent(length);
                }
                try
                {
                    _ = reader.CopyString(text);
                }
                catch (InvalidOperationException)
                {
                    return reader.TokenStartIndex;
                }
            }
        }
        catch (JsonException)
        {
            // Not well-formed: the parser reports that itself.
        }
        finally
        {
            if (text is not null) ArrayPool<char>.Shared.Return(text);
        }
        return null;
    }

    private static bool MayEscapeSurrogate(ReadOnlySpan<byte> json)
    {
        var rest = json;
        int at;
        while ((at = rest.IndexOf("\\u"u8)) >= 0)
        {
            rest = rest[(at + 2)..];
            if (!rest.IsEmpty && (rest[0] | 0x20) == (byte)'d') return true;
        }
        return false;
    }

    /// <summary>The offset of the first byte that is not part of valid UTF-8, or null when all of it is valid.</summary>
    public static int? FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return null;
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (Rune.DecodeFromUtf8(bytes[offset..], out _, out var consumed) != OperationStatus.Done) return offset;
            offset += consumed;
        }
        return null;
    }

    /// <summary>
    /// The bytes in memory rented from the shared pool (return it by disposing), or null when the stream holds more
    /// than <paramref name="maxBytes"/>.
    /// </summary>
    /// <remarks>
    /// A hook request is typically 0.5–15 MB: reading it into a growing <see cref="MemoryStream"/> allocated several
    /// large-object-heap arrays per call, and those pushed the server into a full (gen 2) collection every few calls.
    /// </remarks>
    public static async Task<PooledBytes?> ReadCappedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken, long? lengthHint = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var initial = lengthHint is > 0 && lengthHint <= maxBytes ? (int)lengthHint + 1 : 16 * 1024;
        var buffer = ArrayPool<byte>.Shared.Rent(initial);
        var total = 0;
        try
        {
            while (true)
            {
                if (total == buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min((long)buffer.Length * 2, maxBytes + 1));
                    buffer.AsSpan(0, total).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                total += read;
                if (total > maxBytes)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return null;
                }
            }
            return new PooledBytes(buffer, total);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>
    /// Parses bytes already checked by <see cref="FirstInvalidUtf8"/> and <see cref="FirstUndecodableEscape"/>. The
    /// document copies them into its own pooled buffer, so the caller's buffer can go back to the pool at once.
    /// </summary>
    public static JsonDocument Parse(PooledBytes bytes, JsonDocumentOptions options)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes.Array, 0, bytes.Length, writable: false, publiclyVisible: false);
        return JsonDocument.Parse(stream, options);
    }
}

/// <summary>Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>; disposing returns the array.</summary>
internal sealed class PooledBytes(byte[] array, int length) : IDisposable
{
    private byte[]? _array = array;

    internal byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBytes));

    public int Length { get; } = length;

    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    public void Dispose()
    {
        if (_array is null) return;
        ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }
}
