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

    /// <summary>The bytes, or null when the stream holds more than <paramref name="maxBytes"/>.</summary>
    public static async Task<ReadOnlyMemory<byte>?> ReadCappedAsync(Stream stream, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes) return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }
}