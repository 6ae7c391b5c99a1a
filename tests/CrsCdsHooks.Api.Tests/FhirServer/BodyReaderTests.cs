using System.Text;

using CrsCdsHooks.Api.FhirServer;

namespace CrsCdsHooks.Api.Tests.FhirServer;

/// <summary>
/// The surrogate-escape check skips the tokenising pass for bodies that cannot hold such an escape: it must still find
/// every one, in either case, and a body that only looks like one ("\\u…") is scanned and passed.
/// </summary>
public sealed class BodyReaderTests
{
    [Theory]
    [InlineData("""{"a":"\uD800"}""", 5)]
    [InlineData("""{"a":"\udfff"}""", 5)]
    [InlineData("""{"a":"ok","\uDc00":1}""", 10)]
    [InlineData("""{"a":"\u0041\uD83Dx"}""", 5)]
    [InlineData("\uFEFF" + """{"a":"\uD800"}""", 8)] // after a byte order mark: offsets count its 3 bytes
    public void UnpairedSurrogateEscape_IsFound(string json, long at) =>
        Assert.Equal(at, BodyReader.FirstUndecodableEscape(Encoding.UTF8.GetBytes(json), 64));

    [Theory]
    [InlineData("""{"a":"plain"}""")]
    [InlineData("""{"a":"\u0041\u00e9"}""")]
    [InlineData("""{"a":"\\uD800 is how it is spelt"}""")] // an escaped backslash, then text
    [InlineData("""{"a":"fever \uD83D\uDD25"}""")]          // a valid pair
    [InlineData("""{"a":"ends in \u""")]                    // not well-formed: the parser reports it
    public void NoUnpairedSurrogateEscape_PassesTheCheck(string json) =>
        Assert.Null(BodyReader.FirstUndecodableEscape(Encoding.UTF8.GetBytes(json), 64));

    [Theory]
    [InlineData(0, null)]
    [InlineData(1, null)]
    [InlineData(16 * 1024, null)]           // exactly the first buffer
    [InlineData(16 * 1024 + 1, null)]       // one byte into the second
    [InlineData(100_000, null)]
    [InlineData(100_000, 100_000L)]         // with its declared length
    [InlineData(100_000, 10L)]              // a declared length that is wrong (too small)
    [InlineData(300_000, null)]             // exactly the cap
    public async Task ReadCapped_ReturnsEveryByte_UpToTheCap(int size, long? declared)
    {
        var body = Enumerable.Range(0, size).Select(i => (byte)(i * 7)).ToArray();
        await using var stream = new TrickleStream(body);

        using var bytes = await BodyReader.ReadCappedAsync(stream, 300_000, CancellationToken.None, declared);

        Assert.NotNull(bytes);
        Assert.Equal(body, bytes.Span.ToArray());
    }

    [Theory]
    [InlineData(300_001, null)]
    [InlineData(1_000_000, null)]
    [InlineData(300_001, 300_001L)]
    public async Task ReadCapped_RefusesMoreThanTheCap(int size, long? declared)
    {
        await using var stream = new TrickleStream(new byte[size]);
        Assert.Null(await BodyReader.ReadCappedAsync(stream, 300_000, CancellationToken.None, declared));
    }

    /// <summary>Hands out at most 7,000 bytes a read, as a network would, never filling a buffer in one go.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, 7000)], cancellationToken);
    }
}

