using System.IO.Compression;
using System.Net;
using Microsoft.AspNetCore.Http;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>
/// The HTTP source goes through the config's <c>upload.proxy</c>, as the backend client does (scheduled runs do not
/// see the installer's proxy variables): an API whose name only the proxy resolves is read through it, with the proxy's
/// credentials. No environment variables: HttpClient.DefaultProxy is read once per process.
/// </summary>
public sealed class HttpSourceProxyTests : IDisposable
{
    // Reserved (RFC 2606): no resolver answers for it, so only the proxy's own table can.
    private const string ApiName = "dados.invalid";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_http_list_is_read_through_the_configured_upload_proxy_with_its_credentials()
    {
        await using var api = await StubBackend.StartAsync(
            async (context, request) =>
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("""{"dados":[{"id":1,"nome":"Ana"},{"id":2,"nome":"Conceição"}]}""");
            },
            new StubOptions { Host = ApiName });
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress> { [ApiName] = IPAddress.Loopback }, require: new NetworkCredential("uploader", "proxy-pw"));
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(() => Dns.GetHostAddressesAsync(ApiName)); // only the proxy can reach it
        var url = new Uri(api.Endpoint, "pessoas");
        var list = new ListDefinitionDto(
            "pessoas", 1, string.Empty, [new ListColumnDto("id", "bigint"), new ListColumnDto("nome", "text")], ["id"],
            Source: new ListSourceDto(SourceKinds.Http, Url: url.ToString(), RecordSelector: ["dados"]));
        var config = new UploaderConfig
        {
            Endpoint = "http://127.0.0.1:9/",
            SpoolDirectory = _dir.Combine("spool"),
            Http = new HttpSourceConfig { MaxAttempts = 1 },
            Upload = new UploadConfig { Proxy = $"http://uploader:proxy-pw@127.0.0.1:{proxy.Port}" },
        };
        using var sources = SourcesByKind.For(config);
        using var file = new MemoryStream();

        var result = await SnapshotExtraction.ExtractAsync(sources, list, null, file, CompressionLevel.Fastest, null, CancellationToken.None);

        Assert.Equal(2, result.Rows);
        Assert.Equal("id,nome\n1,Ana\n2,Conceição\n", Gzip.Decompress(file.ToArray()));
        Assert.Contains($"GET {url} HTTP/1.1", proxy.RequestLines);
        Assert.Contains("uploader:proxy-pw", proxy.Credentials);
        Assert.Single(api.Requests, r => r.Path == "/pessoas");
    }
}
