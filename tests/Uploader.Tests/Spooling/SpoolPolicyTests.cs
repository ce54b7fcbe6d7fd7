using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Tests;

public sealed class SpoolPolicyTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private async Task<SpooledSnapshot> WriteAsync(Spool spool, string list, DateTimeOffset at, int bytes = 100) =>
        await spool.WriteAsync("2611606", list, SnapshotIds.New(at), file => file.WriteAsync(Gzip.Compress(new string('x', bytes))).AsTask());

    [Fact]
    public async Task Only_the_newest_snapshot_of_each_list_is_kept()
    {
        var spool = new Spool(_dir.Combine("spool"));
        var now = DateTimeOffset.UtcNow;
        await WriteAsync(spool, "hipertensos", now.AddHours(-3));
        var newestHipertensos = await WriteAsync(spool, "hipertensos", now.AddHours(-1));
        await WriteAsync(spool, "diabeticos", now.AddHours(-4));
        var newestDiabeticos = await WriteAsync(spool, "diabeticos", now.AddHours(-2));

        Assert.Equal(2, spool.DropSuperseded("2611606"));
        Assert.Equal([newestDiabeticos.SnapshotId, newestHipertensos.SnapshotId], spool.Pending("2611606").Select(s => s.SnapshotId));
    }

    [Fact]
    public async Task Over_the_cap_the_oldest_go_first_and_the_fresh_one_always_stays()
    {
        var spool = new Spool(_dir.Combine("spool"));
        var now = DateTimeOffset.UtcNow;
        var oldest = await WriteAsync(spool, "a", now.AddHours(-3), 50_000);
        var middle = await WriteAsync(spool, "b", now.AddHours(-2), 50_000);
        var fresh = await WriteAsync(spool, "c", now, 50_000);
        var size = new FileInfo(fresh.Path).Length;

        var dropped = spool.EnforceCap((size * 2) + 1, fresh);

        Assert.Equal(1, dropped);
        Assert.False(File.Exists(oldest.Path));
        Assert.True(File.Exists(middle.Path));
        Assert.Equal(1, spool.EnforceCap(0, fresh)); // even a zero cap never drops the snapshot just written
        Assert.False(File.Exists(middle.Path));
        Assert.True(File.Exists(fresh.Path));
    }

    [Fact]
    public async Task Integrity_check_accepts_a_whole_gzip_and_refuses_truncated_or_garbage_files()
    {
        var spool = new Spool(_dir.Combine("spool"));
        var whole = await WriteAsync(spool, "a", DateTimeOffset.UtcNow, 20_000);
        Assert.True(await Spool.IsIntactAsync(whole, CancellationToken.None));

        var bytes = await File.ReadAllBytesAsync(whole.Path);
        await File.WriteAllBytesAsync(whole.Path, bytes[..^5]);
        Assert.False(await Spool.IsIntactAsync(whole, CancellationToken.None));

        await File.WriteAllBytesAsync(whole.Path, "not gzip at all"u8.ToArray());
        Assert.False(await Spool.IsIntactAsync(whole, CancellationToken.None));
    }

    [Fact]
    public void Drop_counters_survive_between_runs_and_a_damaged_state_file_never_blocks()
    {
        var root = _dir.Combine("spool");
        new SpoolState { Superseded = 2, Quarantined = 1, OverCap = 3 }.Save(root);

        var loaded = SpoolState.Load(root);
        Assert.Equal(6, loaded.Dropped);

        File.WriteAllText(SpoolState.PathIn(root), "{ damaged");
        Assert.Equal(0, SpoolState.Load(root).Dropped);
    }

    [Fact]
    public void Runs_whose_heartbeat_was_lost_are_kept_per_site_up_to_the_cap_and_forgotten_once_told()
    {
        var root = _dir.Combine("spool");
        var start = new DateTimeOffset(2026, 11, 20, 7, 0, 0, TimeSpan.Zero);
        var state = new SpoolState { Superseded = 1 };
        for (var day = 0; day < UnreportedRun.MaxPerHeartbeat + 5; day++)
        {
            state.RecordUnreported("2611606", new UnreportedRun(start.AddDays(day), "failed", FailureCategories.Network));
        }

        state.RecordUnreported("2927408", new UnreportedRun(start, "ok"));
        state.Save(root);

        var loaded = SpoolState.Load(root);
        var recife = loaded.UnreportedFor("2611606");
        Assert.Equal(UnreportedRun.MaxPerHeartbeat, recife.Count);
        Assert.Equal(start.AddDays(5), recife[0].RanAt); // the oldest five dropped, the newest kept
        Assert.Equal(start.AddDays(UnreportedRun.MaxPerHeartbeat + 4), recife[^1].RanAt);

        var after = loaded.Reported("2611606");
        Assert.Empty(after.UnreportedFor("2611606"));
        Assert.Equal(0, after.Dropped);
        Assert.Equal(new UnreportedRun(start, "ok"), Assert.Single(after.UnreportedFor("2927408")));
    }
}
