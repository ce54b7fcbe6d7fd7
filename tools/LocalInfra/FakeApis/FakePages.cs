using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace LocalInfra.FakeApis;

/// <summary>What the shaped fake APIs share: answering a quirk's status or HTML, and streaming JSON out.</summary>
internal static class FakePages
{
    public const string MaintenancePage = "<!DOCTYPE html><html><head><title>Manutenção</title></head><body><h1>Serviço em manutenção</h1></body></html>";

    /// <summary>Answers the quirk's failure and returns true, or returns false when the page is to be served.</summary>
    public static async Task<bool> FailAsync(PageQuirk? quirk, FakeApiRequest request, HttpListenerResponse response)
    {
        switch (quirk?.Kind)
        {
            case PageQuirkKind.ServerErrorOnce when request.Attempt == 1:
            case PageQuirkKind.ServerErrorAlways:
                response.StatusCode = 500;
                await WriteAsync(response, "application/json", """{"error":"internal server error"}""");
                return true;
            case PageQuirkKind.TooManyRequestsOnce when request.Attempt == 1:
                response.StatusCode = 429;
                response.AddHeader("Retry-After", quirk.Seconds.ToString(CultureInfo.InvariantCulture));
                await WriteAsync(response, "application/json", """{"error":"too many requests"}""");
                return true;
            case PageQuirkKind.Html:
                response.StatusCode = 200;
                await WriteAsync(response, "text/html; charset=utf-8", MaintenancePage);
                return true;
            default:
                return false;
        }
    }

    public static async Task WriteAsync(HttpListenerResponse response, string contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        response.ContentType = contentType;
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes);
    }

    /// <summary>A JSON writer straight onto the response (chunked): a page of any size is never held by the fake.</summary>
    public static Utf8JsonWriter JsonOnto(HttpListenerResponse response)
    {
        response.StatusCode = 200;
        response.ContentType = "application/json; charset=utf-8";
        response.SendChunked = true;
        return new Utf8JsonWriter(response.OutputStream, new JsonWriterOptions { SkipValidation = false });
    }

    /// <summary>Flushes what was written so far, then stalls until the server stops (the client gives up first).</summary>
    public static async Task StallAsync(Utf8JsonWriter json, HttpListenerResponse response, CancellationToken stopping)
    {
        await json.FlushAsync(stopping);
        await response.OutputStream.FlushAsync(stopping);
        await Task.Delay(Timeout.Infinite, stopping);
    }
}
