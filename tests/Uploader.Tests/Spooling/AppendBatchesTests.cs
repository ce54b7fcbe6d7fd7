using System.IO.Compression;
using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Tests;

/// <summary>Polls of an append list batched in the spool and closed into one delivery.</summary>
public sealed class AppendBatchesTests : IDisposable
{
    private const string Site = "2304400";
    private static readonly DateTimeOffset Base = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Spool Spool => new(_dir.Combine("spool"));

    [Fact]
    public async Task Closing_a_batch_makes_one_delivery_with_one_header_and_every_polls_rows_under_the_first_polls_id()
    {
        var batches = new AppendBatches(Spool, Site, "gps");
        var polls = await PollAsync(batches, version: 1, count: 3);

        var delivery = await batches.CloseAsync(Assert.Single(batches.Open()), CancellationToken.None);

        Assert.Equal("codigo,dataHora\nbus0,0\nbus0,1\nbus1,0\nbus1,1\nbus2,0\nbus2,1\n", await ReadAsync(delivery.Path));
        Assert.Equal((polls[0], DeliveryKinds.Append), (delivery.SnapshotId, delivery.Kind));
        Assert.Empty(batches.Open());
        Assert.Equal([delivery.Path], _dir.Files().Select(f => _dir.Combine(f)));
    }

    [Fact]
    public async Task A_close_interrupted_after_its_delivery_was_written_is_recovered_without_sending_a_row_twice()
    {
        var spool = Spool;
        var batches = new AppendBatches(spool, Site, "gps");
        await PollAsync(batches, version: 1, count: 3);
        var batch = Assert.Single(batches.Open());
        var saved = batch.Polls.ToDictionary(p => p.Path, p => File.ReadAllBytes(p.Path));
        var delivery = await batches.CloseAsync(batch, CancellationToken.None);
        foreach (var (path, bytes) in saved.Take(2))
        {
            // The crash: the delivery was renamed into place, only the newest poll was deleted.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        var settled = batches.Recover(spool.Pending(Site), []);

        Assert.Equal(1, settled);
        Assert.Empty(batches.Open());
        Assert.Equal(delivery.SnapshotId, Assert.Single(spool.Pending(Site)).SnapshotId);
    }

    [Fact]
    public async Task A_batch_whose_delivery_was_already_sent_is_recovered_by_the_sent_log()
    {
        var spool = Spool;
        var batches = new AppendBatches(spool, Site, "gps");
        var polls = await PollAsync(batches, version: 1, count: 2);

        var settled = batches.Recover([], [new SentSnapshot(Site, "gps", polls[0], Base)]);

        Assert.Equal(1, settled);
        Assert.Empty(batches.Open());
    }

    [Fact]
    public async Task Polls_read_with_another_definition_version_never_share_a_batch()
    {
        var batches = new AppendBatches(Spool, Site, "gps");
        await PollAsync(batches, version: 1, count: 2);
        await PollAsync(batches, version: 2, count: 1, fromMinute: 2);

        Assert.Equal([(1, 2), (2, 1)], batches.Open().Select(b => (b.Version, b.Polls.Count)));
    }

    private async Task<List<Guid>> PollAsync(AppendBatches batches, int version, int count, int fromMinute = 0)
    {
        var ids = new List<Guid>();
        for (var i = 0; i < count; i++)
        {
            var poll = await Spool.WriteAsync(Site, "gps", SnapshotIds.New(Base.AddMinutes(fromMinute + i)), SpoolDeliveryTests.Gzip($"codigo,dataHora\nbus{i},0\nbus{i},1\n"), DeliveryKinds.Append);
            batches.Add(poll, version);
            ids.Add(poll.SnapshotId);
        }

        return ids;
    }

    private static async Task<string> ReadAsync(string path)
    {
        await using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        return await reader.ReadToEndAsync();
    }
}
