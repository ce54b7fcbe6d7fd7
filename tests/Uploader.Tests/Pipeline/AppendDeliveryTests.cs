using System.IO.Compression;
using System.Text;
using PecLists.Contracts;

namespace PecLists.Uploader.Tests;

/// <summary>Append lists through the whole run: each poll an append delivery, or polls batched into one delivery every M minutes.</summary>
public sealed class AppendDeliveryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private const string Poll = "codigo,dataHora\nA1,1\nB2,2\n";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ListDefinitionDto Gps(ScheduleDto? schedule) => TestSigning.SignFull(new ListDefinitionDto(
        "gps", 1, "SELECT codigo, datahora FROM posicoes", [new("codigo", "text"), new("dataHora", "bigint")], ["codigo", "dataHora"],
        Mode: LoadModes.Append, Schedule: schedule));

    [Fact]
    public async Task Each_run_of_an_unbatched_append_list_sends_an_append_delivery()
    {
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([Gps(null)])));

        await PipelineRuns.RunAsync(backend, new TextSource(new Dictionary<string, string> { ["gps"] = Poll }), _dir.Combine("spool"), T0);

        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.Equal(DeliveryKinds.Append, put.Header(WireNames.DeliveryHeader));
        Assert.Null(put.Header(WireNames.CursorHeader));
    }

    [Fact]
    public async Task Polls_every_minute_delivered_every_ten_go_as_one_delivery_holding_the_rows_of_ten_polls()
    {
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([Gps(new ScheduleDto(1, 10))])));
        var source = new TextSource(new Dictionary<string, string> { ["gps"] = Poll });

        for (var minute = 0; minute < 10; minute++)
        {
            // Each poll a few seconds after its minute, as a real tick runs.
            await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), T0.AddMinutes(minute).AddSeconds(minute % 3));
        }

        Assert.DoesNotContain(backend.Requests, r => r.Method == "PUT");

        await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), T0.AddMinutes(10));

        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.Equal(DeliveryKinds.Append, put.Header(WireNames.DeliveryHeader));
        var csv = Gunzip(put.Body).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("codigo,dataHora", csv[0]);
        Assert.Equal(20, csv.Length - 1);
        Assert.Single(csv, l => l == "codigo,dataHora");
        Assert.Equal(T0, SnapshotIds.Timestamp(Guid.Parse(put.Path.Split('/')[^1])));
        Assert.Single(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz", SearchOption.AllDirectories)); // the 10th minute's poll, in the next batch
    }

    private static string Gunzip(byte[] body)
    {
        using var gzip = new GZipStream(new MemoryStream(body), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
