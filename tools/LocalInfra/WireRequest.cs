using System.Globalization;
using System.Text;

namespace LocalInfra;

/// <summary>One HTTP/1.1 request as it crossed the wire: its request line and its size (request line, headers and body).</summary>
public sealed record WireRequest(string RequestLine, long Bytes)
{
    /// <summary>
    /// Splits one connection's upstream bytes into its requests: headers up to the blank line, then a Content-Length body
    /// or chunks. What cannot be parsed (a cut connection) ends the list, its bytes counted as one last request.
    /// </summary>
    public static IEnumerable<WireRequest> Split(byte[] stream)
    {
        var at = 0;
        while (at < stream.Length)
        {
            var headerEnd = IndexOf(stream, "\r\n\r\n"u8, at);
            if (headerEnd < 0)
            {
                yield return new WireRequest("(partial)", stream.Length - at);
                yield break;
            }

            var headers = Encoding.ASCII.GetString(stream, at, headerEnd - at).Split("\r\n");
            var end = headerEnd + 4;
            string? Header(string name) => headers.Skip(1).Select(h => h.Split(':', 2)).Where(h => h.Length == 2 && h[0].Trim().Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h[1].Trim()).FirstOrDefault();
            if (Header("Content-Length") is { } length)
            {
                end += int.Parse(length, CultureInfo.InvariantCulture);
            }
            else if (Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                while (true)
                {
                    var lineEnd = IndexOf(stream, "\r\n"u8, end);
                    var size = int.Parse(Encoding.ASCII.GetString(stream, end, lineEnd - end).Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    end = lineEnd + 2 + size + 2;
                    if (size == 0)
                    {
                        break;
                    }
                }
            }

            end = Math.Min(end, stream.Length);
            yield return new WireRequest(headers[0], end - at);
            at = end;
        }
    }

    private static int IndexOf(byte[] stream, ReadOnlySpan<byte> value, int from)
    {
        var found = stream.AsSpan(from).IndexOf(value);
        return found < 0 ? -1 : from + found;
    }
}
