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
}
