using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace PecLists.Contracts;

/// <summary>
/// The snapshot PUT of wire contract v1 (docs/design.md §3), built in one place for every sender (the uploader, the
/// operator's <c>smoke</c> command, the load tests' client): a gzip CSV body with its Content-Digest, the extraction
/// time in X-Extracted-At to the millisecond, and the snapshot id that is the UUIDv7 of that time; and the unchanged
/// delivery that stands for such a PUT (the uploader, the unchanged benchmark).
/// </summary>
public static class SnapshotUploadRequest
{
    /// <summary>
    /// X-Extracted-At: RFC 3339 with milliseconds and an explicit offset ("+00:00" in UTC: a DateTimeOffset's K never
    /// writes "Z"), the precision the snapshot id carries (the backend checks that the id's time is this one).
    /// </summary>
    public const string ExtractedAtFormat = "yyyy-MM-dd'T'HH:mm:ss.fffK";

    public static string FormatExtractedAt(DateTimeOffset extractedAt) =>
        extractedAt.ToString(ExtractedAtFormat, CultureInfo.InvariantCulture);

    /// <summary>
    /// The PUT of <paramref name="body"/> (gzip CSV, UTF-8) as snapshot <paramref name="snapshotId"/> of
    /// <paramref name="list"/>, extracted at <paramref name="extractedAt"/>, authorised by the site's token.
    /// <paramref name="digest"/> is the body's <see cref="ContentDigest"/>. The request owns <paramref name="body"/>.
    /// <paramref name="delivery"/> (<see cref="DeliveryKinds"/>) goes in X-Delivery when given (absent: a whole
    /// snapshot), and an incremental delivery's <paramref name="cursor"/> in X-Cursor.
    /// </summary>
    public static HttpRequestMessage Create(
        string token, string list, Guid snapshotId, DateTimeOffset extractedAt, HttpContent body, string digest, string? delivery = null, string? cursor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, ApiRoutes.Relative(ApiRoutes.SnapshotPath(list, snapshotId))) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        body.Headers.ContentType = new MediaTypeHeaderValue(WireNames.CsvMediaType) { CharSet = "utf-8" };
        body.Headers.ContentEncoding.Add(WireNames.GzipEncoding);
        body.Headers.Add(WireNames.ContentDigestHeader, digest);
        request.Headers.Add(WireNames.ExtractedAtHeader, FormatExtractedAt(extractedAt));
        AddDelivery(request, delivery, cursor);
        return request;
    }

    /// <summary>
    /// The POST of an unchanged delivery (<see cref="ApiRoutes.UnchangedDelivery"/>, docs/adr/0024): <paramref name="claim"/>
    /// as JSON, snapshot <paramref name="snapshotId"/> of <paramref name="list"/> extracted at <paramref name="extractedAt"/>
    /// (X-Extracted-At as a PUT's), authorised by the site's token. The body goes as bytes, not JsonContent: the
    /// Functions host forwards a body only with a Content-Length.
    /// </summary>
    public static HttpRequestMessage CreateUnchanged(string token, string list, Guid snapshotId, DateTimeOffset extractedAt, UnchangedDeliveryDto claim)
    {
        var json = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(claim, ContractsJsonContext.Default.UnchangedDeliveryDto));
        json.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Relative(ApiRoutes.UnchangedDeliveryPath(list, snapshotId))) { Content = json };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add(WireNames.ExtractedAtHeader, FormatExtractedAt(extractedAt));
        return request;
    }

    /// <summary>
    /// Adds X-Delivery and X-Cursor when given: to a PUT, and to a block upload's session and commit requests, which the
    /// backend checks exactly as a PUT's (docs/adr/0021, ADR 0022).
    /// </summary>
    public static void AddDelivery(HttpRequestMessage request, string? delivery, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (delivery is not null)
        {
            request.Headers.Add(WireNames.DeliveryHeader, delivery);
        }

        if (cursor is not null)
        {
            request.Headers.Add(WireNames.CursorHeader, cursor);
        }
    }
}
