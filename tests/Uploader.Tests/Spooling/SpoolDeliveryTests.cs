using System.IO.Compression;
using System.Text;
using PecLists.Contracts;
using PecLists.Uploader.Incremental;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Tests;

/// <summary>Deliveries other than whole snapshots in the spool: their kind and cursor survive until resent, and what supersedes what.</summary>
public sealed class SpoolDeliveryTests : IDisposable
{
    private const string Site = "2304400";
    private static readonly DateTimeOffset Base = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly CursorValue Cursor = CursorValue.TryParse("2026-12-07 09:50:03.123456-03")!.Value;

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private Spool Spool => new(_dir.Combine("spool"));

    [Fact]
    public async Task A_spooled_delivery_resends_with_its_kind_and_cursor()
    {
        var id = SnapshotIds.New(Base);

        var written = await Spool.WriteAsync(Site, "usuarios", id, Gzip("id,updated_at\n1,2026-12-07 09:50:03.123456-03\n"), DeliveryKinds.Changes, _ => Task.FromResult<CursorValue?>(Cursor));
        var pending = Assert.Single(Spool.Pending(Site));

        Assert.Equal($"{id:D}.changes.20261207T125003123456Z.csv.gz", Path.GetFileName(written.Path));
        Assert.Equal((id, DeliveryKinds.Changes, (CursorValue?)Cursor), (pending.SnapshotId, pending.Kind, pending.Cursor));
    }

    [Fact]
    public async Task A_whole_snapshot_without_a_cursor_keeps_the_name_it_always_had()
    {
        var id = SnapshotIds.New(Base);

        await Spool.WriteAsync(Site, "hipertensos", id, Gzip("a\n1\n"), DeliveryKinds.Snapshot);

        var pending = Assert.Single(Spool.Pending(Site));
        Assert.Equal($"{id:D}.csv.gz", Path.GetFileName(pending.Path));
        Assert.Null(pending.Cursor);
    }

    [Fact]
    public async Task A_cursor_that_cannot_be_read_leaves_nothing_in_the_spool()
    {
        await Assert.ThrowsAsync<CursorColumnException>(() => Spool.WriteAsync(Site, "usuarios", SnapshotIds.New(Base), Gzip("id\n1\n"), DeliveryKinds.Changes,
            _ => throw new CursorColumnException(CursorColumnProblem.Null, "updated_at", 1)));

        Assert.Empty(_dir.Files());
    }

    [Fact]
    public async Task A_whole_snapshot_supersedes_every_older_delivery_of_its_list_but_appends_and_changes_are_each_kept()
    {
        var spool = Spool;
        var olderChanges = await Write(spool, "usuarios", 0, DeliveryKinds.Changes);
        var whole = await Write(spool, "usuarios", 1, DeliveryKinds.Snapshot);
        var changes1 = await Write(spool, "usuarios", 2, DeliveryKinds.Changes);
        var olderKeys = await Write(spool, "usuarios", 3, DeliveryKinds.KeySet);
        var changes2 = await Write(spool, "usuarios", 4, DeliveryKinds.Changes);
        var keys = await Write(spool, "usuarios", 5, DeliveryKinds.KeySet);
        var appends = new[] { await Write(spool, "gps", 0, DeliveryKinds.Append), await Write(spool, "gps", 1, DeliveryKinds.Append) };

        var dropped = spool.DropSuperseded(Site);

        Assert.Equal(2, dropped);
        Assert.Equal(
            new[] { appends[0], whole, appends[1], changes1, changes2, keys }.Select(s => s.SnapshotId).Order(),
            spool.Pending(Site).Select(s => s.SnapshotId).Order());
        Assert.DoesNotContain(spool.Pending(Site), s => s.SnapshotId == olderChanges.SnapshotId || s.SnapshotId == olderKeys.SnapshotId);
    }

    private static async Task<SpooledSnapshot> Write(Spool spool, string list, int minutes, string kind) =>
        await spool.WriteAsync(Site, list, SnapshotIds.New(Base.AddMinutes(minutes)), Gzip("a\n1\n"), kind);

    internal static Func<Stream, Task> Gzip(string text) => async stream =>
    {
        await using var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true);
        await gzip.WriteAsync(Encoding.UTF8.GetBytes(text));
    };
}
