using System.Buffers;
using System.Numerics;
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
        // The parser skips a leading UTF-8 byte order mark (RFC 8259 §8.1 allows it); the reader does not.
        var bom = json.StartsWith("\uFEFF"u8) ? 3 : 0;
        json = json[bom..];
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
                    return reader.TokenStartIndex + bom;
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
        var cap = (int)Math.Min(maxBytes + 1, Array.MaxLength);
        // A declared length (Kestrel holds the body to it) is rented at once, one byte over so the end is seen
        // without growing. Without one, the buffer doubles from 16 KB; see Grow for the last step.
        var buffer = new PooledBytes(lengthHint is > 0 && lengthHint < cap ? (int)lengthHint + 1 : Math.Min(16 * 1024, cap), pooled: true);
        try
        {
            while (true)
            {
                if (buffer.Length == buffer.Capacity)
                {
                    buffer = Grow(buffer, cap);
                    if (buffer.Length == buffer.Capacity) // at the largest array there is, under a larger limit
                    {
                        buffer.Dispose();
                        return null;
                    }
                }
                var read = await stream.ReadAsync(buffer.Free, cancellationToken).ConfigureAwait(false);
                if (read == 0) break;
                buffer.Length += read;
                if (buffer.Length > maxBytes)
                {
                    buffer.Dispose();
                    return null;
                }
            }
            return buffer;
        }
        catch
        {
            buffer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Twice the capacity, at most <paramref name="cap"/>. The pool rounds every size up to a power of two, so the last
    /// step to the cap (10 MB + 1 byte by default) is allocated exactly instead: rented, it would be 16 MB, and a
    /// client sending an endless chunked body could make each call hold nearly twice the limit.
    /// </summary>
    private static PooledBytes Grow(PooledBytes buffer, int cap)
    {
        var size = (int)Math.Min((long)buffer.Capacity * 2, cap);
        var larger = new PooledBytes(size, pooled: BitOperations.IsPow2(size) || size < 1024 * 1024);
        buffer.Span.CopyTo(larger.Free.Span);
        larger.Length = buffer.Length;
        buffer.Dispose();
        return larger;
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

/// <summary>
/// Bytes in an array rented from <see cref="ArrayPool{T}.Shared"/> (or, for an odd large size, allocated exactly);
/// disposing returns a rented array.
/// </summary>
internal sealed class PooledBytes : IDisposable
{
    private byte[]? _array;
    private readonly bool _pooled;

    public PooledBytes(int size, bool pooled)
    {
        _pooled = pooled;
        _array = pooled ? ArrayPool<byte>.Shared.Rent(size) : GC.AllocateUninitializedArray<byte>(size);
    }

    internal byte[] Array => _array ?? throw new ObjectDisposedException(nameof(PooledBytes));

    /// <summary>How many bytes hold data.</summary>
    public int Length { get; set; }

    public int Capacity => Array.Length;

    public ReadOnlySpan<byte> Span => Array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);

    internal Memory<byte> Free => Array.AsMemory(Length);

    public void Dispose()
    {
        if (_array is null) return;
        if (_pooled) ArrayPool<byte>.Shared.Return(_array);
        _array = null;
    }
}
