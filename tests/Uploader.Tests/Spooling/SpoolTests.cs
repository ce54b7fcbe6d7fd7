using System.Text;
using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Tests;

public sealed class SpoolTests : IDisposable
{
    private const string Site = "2304400";
    private static readonly DateTimeOffset Base = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Func<Stream, Task> Writes(string text) => async stream => await stream.WriteAsync(Encoding.UTF8.GetBytes(text));

    private string SpoolRoot => _dir.Combine("spool");

    [Fact]
    public async Task WriteAsync_leaves_only_the_final_file_and_writes_to_a_partial_until_done()
    {
        var spool = new Spool(SpoolRoot);
        var id = SnapshotIds.New(Base);
        string? writingTo = null;
        IReadOnlyList<string>? filesWhileWriting = null;

        var snapshot = await spool.WriteAsync(Site, "hipertensos", id, async stream =>
        {
            writingTo = ((FileStream)stream).Name;
            await stream.WriteAsync(Encoding.UTF8.GetBytes("a,b\n1,2\n"));
            await stream.FlushAsync();
            filesWhileWriting = _dir.Files();
        });

        Assert.Equal($"spool/{Site}/hipertensos/{id:D}.csv.gz.partial", Path.GetRelativePath(_dir.Path, writingTo!).Replace('\\', '/'));
        Assert.Equal([$"spool/{Site}/hipertensos/{id:D}.csv.gz.partial"], filesWhileWriting);
        Assert.Equal([$"spool/{Site}/hipertensos/{id:D}.csv.gz"], _dir.Files());
        Assert.Equal(_dir.Combine("spool", Site, "hipertensos", $"{id:D}.csv.gz"), snapshot.Path);
        Assert.Equal("a,b\n1,2\n", await File.ReadAllTextAsync(snapshot.Path));
        Assert.Equal(Site, snapshot.Site);
        Assert.Equal("hipertensos", snapshot.List);
        Assert.Equal(id, snapshot.SnapshotId);
        Assert.Equal(Base, snapshot.ExtractedAt);
    }

    [Fact]
    public async Task A_write_that_throws_leaves_no_file_and_rethrows()
    {
        var spool = new Spool(SpoolRoot);
        var boom = new InvalidOperationException("extraction failed");

        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base), async stream =>
        {
            await stream.WriteAsync(new byte[100_000]);
            throw boom;
        }));

        Assert.Same(boom, thrown);
        Assert.Empty(_dir.Files());
        Assert.Empty(spool.Pending(Site));
    }

    [Fact]
    public async Task Pending_returns_complete_snapshots_oldest_first_across_lists_ignoring_partials_and_junk()
    {
        var spool = new Spool(SpoolRoot);
        // Written out of order on purpose, across two lists.
        var b2 = await spool.WriteAsync(Site, "gestantes", SnapshotIds.New(Base.AddMinutes(20)), Writes("b2"));
        var a1 = await spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base.AddMinutes(5)), Writes("a1"));
        var a3 = await spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base.AddMinutes(30)), Writes("a3"));
        var b0 = await spool.WriteAsync(Site, "gestantes", SnapshotIds.New(Base.AddMinutes(1)), Writes("b0"));
        await spool.WriteAsync("2611606", "hipertensos", SnapshotIds.New(Base), Writes("another site"));

        // An interrupted write older than everything, and junk that must not be taken for a snapshot.
        var listDir = _dir.Combine("spool", Site, "hipertensos");
        await File.WriteAllTextAsync(Path.Combine(listDir, $"{SnapshotIds.New(Base.AddDays(-1)):D}.csv.gz.partial"), "half");
        await File.WriteAllTextAsync(Path.Combine(listDir, "notes.txt"), "junk");
        await File.WriteAllTextAsync(Path.Combine(listDir, "not-a-guid.csv.gz"), "junk");
        await File.WriteAllTextAsync(Path.Combine(listDir, $"{SnapshotIds.New(Base.AddDays(-1)):N}.csv.gz"), "junk");
        await File.WriteAllTextAsync(Path.Combine(listDir, $"{SnapshotIds.New(Base.AddDays(-1)):D}.csv"), "junk");
        await File.WriteAllTextAsync(_dir.Combine("spool", Site, $"{SnapshotIds.New(Base.AddDays(-1)):D}.csv.gz"), "not in a list directory");

        var pending = spool.Pending(Site);

        Assert.Equal([b0, a1, b2, a3], pending);
        Assert.Equal(
            [Base.AddMinutes(1), Base.AddMinutes(5), Base.AddMinutes(20), Base.AddMinutes(30)],
            pending.Select(p => p.ExtractedAt));
        Assert.Empty(spool.Pending("9999999"));
        Assert.Single(spool.Pending("2611606"));
    }

    [Fact]
    public async Task QuarantinePartials_moves_leftover_partials_to_quarantine_and_counts_them()
    {
        var spool = new Spool(SpoolRoot);
        var complete = await spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base), Writes("complete"));
        var p1 = $"{SnapshotIds.New(Base.AddMinutes(1)):D}.csv.gz.partial";
        var p2 = $"{SnapshotIds.New(Base.AddMinutes(2)):D}.csv.gz.partial";
        await File.WriteAllTextAsync(_dir.Combine("spool", Site, "hipertensos", p1), "half one");
        Directory.CreateDirectory(_dir.Combine("spool", "2611606", "gestantes"));
        await File.WriteAllTextAsync(_dir.Combine("spool", "2611606", "gestantes", p2), "half two");

        var moved = spool.QuarantinePartials();

        Assert.Equal(2, moved);
        var quarantined = Directory.GetFiles(spool.QuarantineDirectory).Select(Path.GetFileName).ToList();
        Assert.Equal(2, quarantined.Count);
        Assert.Contains(quarantined, f => f!.EndsWith("-" + p1, StringComparison.Ordinal));
        Assert.Contains(quarantined, f => f!.EndsWith("-" + p2, StringComparison.Ordinal));
        Assert.Equal(
            ["half one", "half two"],
            Directory.GetFiles(spool.QuarantineDirectory).Select(File.ReadAllText).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(
            Directory.GetFiles(SpoolRoot, "*.partial", SearchOption.AllDirectories),
            f => !f.StartsWith(spool.QuarantineDirectory, StringComparison.Ordinal));
        Assert.Equal([complete], spool.Pending(Site));

        // Already quarantined partials are not counted (or moved) again.
        Assert.Equal(0, spool.QuarantinePartials());
        Assert.Equal(2, Directory.GetFiles(spool.QuarantineDirectory).Length);
    }

    [Fact]
    public void QuarantinePartials_on_a_missing_spool_returns_zero()
    {
        var spool = new Spool(_dir.Combine("does-not-exist"));

        Assert.Equal(0, spool.QuarantinePartials());
        Assert.Empty(spool.Pending(Site));
    }

    [Fact]
    public async Task Quarantine_moves_the_snapshot_file_into_quarantine()
    {
        var spool = new Spool(SpoolRoot);
        var snapshot = await spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base), Writes("rejected content"));

        spool.Quarantine(snapshot);

        Assert.False(File.Exists(snapshot.Path));
        Assert.Empty(spool.Pending(Site));
        var file = Assert.Single(Directory.GetFiles(spool.QuarantineDirectory));
        Assert.EndsWith($"-{snapshot.SnapshotId:D}.csv.gz", file, StringComparison.Ordinal);
        Assert.Equal("rejected content", await File.ReadAllTextAsync(file));
    }

    [Fact]
    public async Task Delete_removes_the_snapshot()
    {
        var spool = new Spool(SpoolRoot);
        var snapshot = await spool.WriteAsync(Site, "hipertensos", SnapshotIds.New(Base), Writes("sent"));

        Spool.Delete(snapshot);

        Assert.False(File.Exists(snapshot.Path));
        Assert.Empty(spool.Pending(Site));
    }

    [Fact]
    public void The_log_folder_and_its_files_are_readable_by_their_owner_only_and_an_existing_log_is_tightened()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // Windows: a protected ACL (WindowsOwnerOnlyAcl), not checked here
        }

        var directory = _dir.Combine("logs");
        Directory.CreateDirectory(directory);
        File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101); // 0755, as before
        File.WriteAllText(RunLog.FileIn(directory), "an older line\n");
        File.WriteAllText(RunLog.FileIn(directory) + ".1", "a rotated line\n");
        var other = Path.Combine(directory, "someone-elses.txt"); // not the uploader's: left as it is
        File.WriteAllText(other, "x");
        foreach (var file in new[] { RunLog.FileIn(directory), RunLog.FileIn(directory) + ".1", other })
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100); // 0644
        }

        using (var log = new RunLog(TextWriter.Null, directory))
        {
            log.WriteLine("site 2304400: veiculos snapshot accepted");
        }

        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(directory));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(RunLog.FileIn(directory)));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(RunLog.FileIn(directory) + ".1"));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(other));

        var fresh = _dir.Combine("fresh-logs");
        using (var log = new RunLog(TextWriter.Null, fresh))
        {
            log.WriteLine("first line");
        }

        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(fresh));
        Assert.Equal((UnixFileMode)0b110_000_000, File.GetUnixFileMode(RunLog.FileIn(fresh)));
    }
}
