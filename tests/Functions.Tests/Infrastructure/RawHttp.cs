using System.Net.Sockets;
using System.Text;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>A raw HTTP/1.1 exchange over a socket, for framings HttpClient will not produce (bad chunks, trickled bodies).</summary>
public static class RawHttp
{
    public sealed record Response(int Status, string ContentType, string Body);

    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) then lets <paramref name="body"/>
    /// write while the response is read: the server may answer, and close, before the body is all sent.
    /// </summary>
    public static async Task<Response> SendAsync(Uri server, string head, Func<Stream, CancellationToken, Task> body, TimeSpan timeout)
    {
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(server.Host, server.Port);
        using var cts = new CancellationTokenSource(timeout);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.TrimEnd() + "\r\nConnection: close\r\n\r\n"), cts.Token);
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        var writer = Task.Run(async () =>
        {
            try
            {
                await body(stream, sending.Token);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The server answered and closed while the body was still going: expected for refusals.
            }
        });

        var received = new MemoryStream();
        var buffer = new byte[16384];
        Response? response = null;
        try
        {
            int read;
            while (response is null && (read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Write(buffer, 0, read);
                response = TryParse(received.ToArray());
            }
        }
        catch (IOException)
        {
            // A reset after the answer: keep what arrived.
        }

        await sending.CancelAsync();
        client.Close();
        await writer;
        return response ?? TryParse(received.ToArray(), complete: true)
            ?? throw new InvalidOperationException($"no complete HTTP response: {Encoding.ASCII.GetString(received.ToArray())}");
    }

    /// <summary>The response once headers and the whole body (Content-Length or chunked) are in; null before.</summary>
    private static Response? TryParse(byte[] data, bool complete = false)
    {
        var text = Encoding.Latin1.GetString(data);
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        string? Header(string name) => lines.Skip(1).Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).FirstOrDefault();
        var rest = data.AsSpan(end + 4);
        byte[]? body = null;
        if (Header("Content-Length") is { } length)
        {
            var n = int.Parse(length, System.Globalization.CultureInfo.InvariantCulture);
            body = rest.Length >= n ? rest[..n].ToArray() : null;
        }
        else if (string.Equals(Header("Transfer-Encoding"), "chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(rest);
        }
        else if (complete)
        {
            body = rest.ToArray();
        }

        return body is null ? null : new Response(status, Header("Content-Type") ?? string.Empty, Encoding.UTF8.GetString(body));
    }

    private static byte[]? Dechunk(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        while (true)
        {
            var lineEnd = data.IndexOf("\r\n"u8);
            if (lineEnd < 0)
            {
                return null;
            }

            var size = Convert.ToInt32(Encoding.ASCII.GetString(data[..lineEnd]).Split(';')[0].Trim(), 16);
            data = data[(lineEnd + 2)..];
            if (size == 0)
            {
                return output.ToArray();
            }

            if (data.Length < size + 2)
            {
                return null;
            }

            output.Write(data[..size]);
            data = data[(size + 2)..];
        }
    }
}
