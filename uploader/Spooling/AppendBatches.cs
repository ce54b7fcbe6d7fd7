using System.Globalization;
using System.IO.Compression;
using PecLists.Contracts;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// Polls of an append list batched into one delivery every few minutes (<see cref="ScheduleDto.DeliverEveryMinutes"/>).
/// Each poll is first spooled like any append delivery, then moved into {site}/{list}/batch-v{version}/ (a crash between
/// the two leaves an ordinary delivery that is sent alone: nothing lost). Closing a batch writes one gzip CSV holding
/// every poll's rows under one header, as a delivery whose id is the first poll's, then deletes the polls, newest
/// first: a crash in between leaves the first poll next to a delivery of its id (or one already sent), which
/// <see cref="Recover"/> recognises, so a row is never sent twice (the list's key would make it harmless anyway).
/// Everything stays under the spool's owner-only folder. One batch per definition version: polls read with other
/// columns never share a header.
/// </summary>
public sealed class AppendBatches(Spool spool, string site, string list)
{
    private const string Prefix = "batch-v";
    private const string Extension = ".csv.gz";

    private string ListDirectory => Path.Combine(spool.Root, site, list);

    /// <summary>The open batches, oldest version first.</summary>
    public IReadOnlyList<AppendBatch> Open()
    {
        if (!Directory.Exists(ListDirectory))
        {
            return [];
        }

        return Directory.GetDirectories(ListDirectory, Prefix + "*")
            .Select(d => (directory: d, version: int.TryParse(Path.GetFileName(d)[Prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (int?)null))
            .Where(b => b.version is not null)
            .Select(b => new AppendBatch(b.version!.Value, b.directory, Polls(b.directory)))
            .Where(b => b.Polls.Count > 0)
            .OrderBy(b => b.Version)
            .ToList();
    }

    /// <summary>Moves a spooled poll (an append delivery just written) into the batch of <paramref name="version"/>.</summary>
    public void Add(SpooledSnapshot poll, int version)
    {
        var directory = Path.Combine(ListDirectory, Prefix + version.ToString(CultureInfo.InvariantCulture));
        OwnerOnly.CreateDirectory(directory);
        File.Move(poll.Path, Path.Combine(directory, poll.SnapshotId.ToString("D") + Extension));
    }

    /// <summary>
    /// Batches whose close was interrupted after their delivery was written: the polls go, the delivery stays (or was
    /// already sent). Returns how many batches were settled this way.
    /// </summary>
    public int Recover(IReadOnlyList<SpooledSnapshot> pending, IReadOnlyList<SentSnapshot> sent)
    {
        var settled = 0;
        foreach (var batch in Open())
        {
            if (pending.Any(p => p.List == list && p.SnapshotId == batch.DeliveryId) || sent.Any(s => s.Site == site && s.List == list && s.SnapshotId == batch.DeliveryId))
            {
                DeletePolls(batch);
                settled++;
            }
        }

        return settled;
    }

    /// <summary>Writes the batch as one append delivery (one header, every poll's rows in order), then deletes its polls.</summary>
    public async Task<SpooledSnapshot> CloseAsync(AppendBatch batch, CancellationToken ct)
    {
        var delivery = await spool.WriteAsync(site, list, batch.DeliveryId, async file =>
        {
            await using var gzip = new GZipStream(file, CompressionLevel.Optimal, leaveOpen: true); // the extractor's level
            var first = true;
            foreach (var poll in batch.Polls)
            {
                await using var source = new GZipStream(File.OpenRead(poll.Path), CompressionMode.Decompress);
                if (!first)
                {
                    await SkipHeaderAsync(source, ct);
                }

                await source.CopyToAsync(gzip, ct);
                first = false;
            }
        }, DeliveryKinds.Append);
        DeletePolls(batch);
        return delivery;
    }

    private void DeletePolls(AppendBatch batch)
    {
        foreach (var poll in batch.Polls.Reverse())
        {
            File.Delete(poll.Path); // newest first: the first poll, the batch's identity, goes last
        }

        if (Directory.GetFileSystemEntries(batch.Directory).Length == 0)
        {
            Directory.Delete(batch.Directory);
        }
    }

    private IReadOnlyList<SpooledSnapshot> Polls(string directory) =>
        Directory.GetFiles(directory, "*" + Extension)
            .Select(f => Guid.TryParseExact(Path.GetFileName(f)[..^Extension.Length], "D", out var id) ? new SpooledSnapshot(site, list, id, f, DeliveryKinds.Append) : null)
            .OfType<SpooledSnapshot>()
            .OrderBy(p => p.ExtractedAt)
            .ToList();

    /// <summary>Reads past the header line (column names hold no newline), so a later poll adds only its rows.</summary>
    private static async Task SkipHeaderAsync(Stream csv, CancellationToken ct)
    {
        var one = new byte[1];
        while (await csv.ReadAsync(one, ct) == 1 && one[0] != (byte)'\n')
        {
        }
    }
}
