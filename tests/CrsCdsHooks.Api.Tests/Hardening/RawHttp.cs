using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace CrsCdsHooks.Api.Tests.Hardening;

/// <summary>What a raw HTTP/1.1 exchange showed: the status, the body, and how many body bytes the server took first.</summary>
internal sealed record RawAnswer(int Status, string Body, string ContentType, long BodyBytesSent);

/// <summary>
/// Sends a huge body over a plain socket while reading the answer at the same time, as a browser or curl does:
/// HttpClient gives up on a request whose body the server stops reading, and would hide an early 413.
/// </summary>
internal static class RawHttp
{
    public static async Task<RawAnswer> PostGeneratedAsync(Uri origin, string path, long length, bool chunked, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(origin.Host, origin.Port, cancel.Token);
        var stream = tcp.GetStream();
        var head = $"POST {path} HTTP/1.1\r\nHost: {origin.Authority}\r\nContent-Type: application/json\r\n"
                   + (chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {length.ToString(CultureInfo.InvariantCulture)}\r\n") + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancel.Token);

        var answer = ReadAnswerAsync(stream, cancel.Token);
        long sent = 0;
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'a');
        var chunkHead = Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        try
        {
            while (sent < length && !answer.IsCompleted)
            {
                var n = (int)Math.Min(chunk.Length, length - sent);
                if (chunked) await stream.WriteAsync(n == chunk.Length ? chunkHead : Encoding.ASCII.GetBytes($"{n:x}\r\n"), cancel.Token);
                await stream.WriteAsync(chunk.AsMemory(0, n), cancel.Token);
                if (chunked) await stream.WriteAsync("\r\n"u8.ToArray(), cancel.Token);
                sent += n;
            }
            if (chunked && !answer.IsCompleted) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), cancel.Token);
        }
        catch (IOException)
        {
            // The server closed the connection after answering: the answer is what counts.
        }
        var (status, contentType, body) = await answer;
        return new RawAnswer(status, body, contentType, sent);
    }

    private static async Task<(int Status, string ContentType, string Body)> ReadAnswerAsync(NetworkStream stream, CancellationToken cancel)
    {
        var buffer = new MemoryStream();
        var block = new byte[8192];
        int headEnd;
        while ((headEnd = IndexOf(buffer, "\r\n\r\n"u8)) < 0)
        {
            var n = await stream.ReadAsync(block, cancel);
            if (n == 0) return (0, "", "");
            buffer.Write(block, 0, n);
        }
        var head = Encoding.ASCII.GetString(buffer.GetBuffer(), 0, headEnd);
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        string Header(string name) => lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2 && p[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            .Select(p => p[1].Trim()).FirstOrDefault() ?? "";
        var contentLength = int.TryParse(Header("Content-Length"), CultureInfo.InvariantCulture, out var cl) ? cl : 0;
        while (buffer.Length - headEnd - 4 < contentLength)
        {
            var n = await stream.ReadAsync(block, cancel);
            if (n == 0) break;
            buffer.Write(block, 0, n);
        }
        var body = Encoding.UTF8.GetString(buffer.GetBuffer(), headEnd + 4, (int)Math.Min(contentLength, buffer.Length - headEnd - 4));
        return (status, Header("Content-Type"), body);
    }

    private static int IndexOf(MemoryStream buffer, ReadOnlySpan<byte> needle) => buffer.GetBuffer().AsSpan(0, (int)buffer.Length).IndexOf(needle);
}

/// <summary>A client that sends its body a few bytes at a time, fast enough for Kestrel's minimum data rate (240 B/s).</summary>
internal static class SlowUpload
{
    /// <summary>Sends headers and then <paramref name="bytesPerSecond"/> until the server answers or <paramref name="giveUp"/> passes.</summary>
    public static async Task<(int Status, string Body, TimeSpan After)> PostAsync(Uri origin, string path, int contentLength, int bytesPerSecond, TimeSpan giveUp)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(origin.Host, origin.Port);
        var stream = tcp.GetStream();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"POST {path} HTTP/1.1\r\nHost: {origin.Authority}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n\r\n{{\"hook\":\""));
        var buffer = new byte[8192];
        var reading = stream.ReadAsync(buffer).AsTask();
        var chunk = Encoding.ASCII.GetBytes(new string('a', Math.Max(1, bytesPerSecond / 10)));
        while (!reading.IsCompleted && clock.Elapsed < giveUp)
        {
            try
            {
                await stream.WriteAsync(chunk);
            }
            catch (IOException)
            {
                break;
            }
            await Task.WhenAny(reading, Task.Delay(100));
        }
        if (!reading.IsCompleted) return (0, "", clock.Elapsed);
        var n = await reading;
        var after = clock.Elapsed;
        var text = Encoding.UTF8.GetString(buffer, 0, n);
        var status = n > 12 ? int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture) : 0;
        return (status, text, after);
    }
}
