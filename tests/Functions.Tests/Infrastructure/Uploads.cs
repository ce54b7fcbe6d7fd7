using System.Net.Http.Headers;
using PecLists.Contracts;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>A snapshot PUT exactly as the uploader sends it.</summary>
public static class Uploads
{
    /// <summary>With the id the uploader would make: the UUIDv7 of the extraction time.</summary>
    public static HttpRequestMessage Put(string list, byte[] body, string token, DateTimeOffset extractedAt) =>
        Put(list, SnapshotIds.New(extractedAt), body, token, extractedAt);

    public static HttpRequestMessage Put(string list, Guid id, byte[] body, string token, DateTimeOffset extractedAt)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, ApiRoutes.SnapshotPath(list, id)) { Content = new ByteArrayContent(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content.Headers.ContentEncoding.Add("gzip");
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        request.Content.Headers.Add(WireNames.ContentDigestHeader, Csv.Digest(body));
        request.Headers.Add(WireNames.ExtractedAtHeader, extractedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }
}
