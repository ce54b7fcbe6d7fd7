using PecLists.Contracts;

namespace PecLists.Uploader.Spooling;

/// <summary>
/// Store-and-forward spool. A snapshot is written to "*.partial" and renamed only when complete, so a crash never
/// leaves a file that looks complete; leftovers are moved to quarantine (counted, never silently dropped).
/// </summary>
public sealed class Spool(string root)
{
    private const string Extension = ".csv.gz";
    private const string PartialExtension = ".csv.gz.partial";

    public string Root => root;

    public string QuarantineDirectory => Path.Combine(root, "quarantine");

    /// <summary>
    /// Restricts the spool to its owner (<see cref="OwnerOnly"/>): its folder, each site's snapshots, the quarantine, the
    /// state, list and sent files and the lock. Returns how many entries could not be changed.
    /// </summary>
    public int RestrictToOwner() => OwnerOnly.RestrictTree(root, name =>
        name == "quarantine" || name.StartsWith("run.lock", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal)
        || name.EndsWith(".json.tmp", StringComparison.Ordinal) || IbgeCode.IsValid(name));

    public async Task<SpooledSnapshot> WriteAsync(string site, string list, Guid snapshotId, Func<Stream, Task> write)
    {
        var directory = Path.Combine(root, site, list);
        OwnerOnly.CreateDirectory(root);
        OwnerOnly.CreateDirectory(Path.Combine(root, site));
        OwnerOnly.CreateDirectory(directory);
        var final = Path.Combine(directory, snapshotId.ToString("D") + Extension);
        var partial = Path.Combine(directory, snapshotId.ToString("D") + PartialExtension);
        try
        {
            await using (var file = new FileStream(partial, OwnerOnly.NewFile(FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous)))
            {
                await write(file);
                await file.FlushAsync();
                file.Flush(flushToDisk: true);
            }

            File.Move(partial, final);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        return new SpooledSnapshot(site, list, snapshotId, final);
    }

    /// <summary>Complete snapshots of a site waiting to be sent, oldest first.</summary>
    public IReadOnlyList<SpooledSnapshot> Pending(string site)
    {
        var siteDirectory = Path.Combine(root, site);
        if (!Directory.Exists(siteDirectory))
        {
            return [];
        }

        return Directory.GetDirectories(siteDirectory)
            .SelectMany(listDirectory => Directory.GetFiles(listDirectory, "*" + Extension)
                .Select(file => (file, list: Path.GetFileName(listDirectory), id: Path.GetFileName(file)[..^Extension.Length])))
            .Where(f => Guid.TryParseExact(f.id, "D", out _))
            .Select(f => new SpooledSnapshot(site, f.list, Guid.ParseExact(f.id, "D"), f.file))
            .OrderBy(s => s.ExtractedAt)
            .ToList();
    }

    /// <summary>Moves interrupted writes ("*.partial") to quarantine and returns how many there were.</summary>
    public int QuarantinePartials()
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var partials = Directory.GetFiles(root, "*" + PartialExtension, SearchOption.AllDirectories)
            .Where(p => !p.StartsWith(QuarantineDirectory, StringComparison.Ordinal))
            .ToList();
        foreach (var partial in partials)
        {
            MoveToQuarantine(partial);
        }

        return partials.Count;
    }

    public static void Delete(SpooledSnapshot snapshot) => File.Delete(snapshot.Path);

    /// <summary>Only the newest snapshot of each list matters: older pending ones are deleted. Returns how many.</summary>
    public int DropSuperseded(string site)
    {
        var dropped = 0;
        foreach (var older in Pending(site).GroupBy(s => s.List).SelectMany(g => g.OrderByDescending(s => s.ExtractedAt).Skip(1)))
        {
            Delete(older);
            dropped++;
        }

        return dropped;
    }

    /// <summary>
    /// Keeps the spool under <paramref name="maxBytes"/> by deleting the oldest pending snapshots, never
    /// <paramref name="keep"/> (the one just written). Returns how many were deleted.
    /// </summary>
    public int EnforceCap(long maxBytes, SpooledSnapshot? keep)
    {
        if (!Directory.Exists(root))
        {
            return 0;
        }

        var files = Directory.GetDirectories(root)
            .Where(d => !d.StartsWith(QuarantineDirectory, StringComparison.Ordinal))
            .SelectMany(d => Pending(Path.GetFileName(d)))
            .OrderBy(s => s.ExtractedAt)
            .ToList();
        var total = files.Sum(f => new FileInfo(f.Path).Length);
        var dropped = 0;
        foreach (var file in files.Where(f => f.Path != keep?.Path))
        {
            if (total <= maxBytes)
            {
                break;
            }

            total -= new FileInfo(file.Path).Length;
            Delete(file);
            dropped++;
        }

        return dropped;
    }

    /// <summary>A complete gzip whose trailer matches its content; false for a damaged or truncated file.</summary>
    public static async Task<bool> IsIntactAsync(SpooledSnapshot snapshot, CancellationToken ct)
    {
        try
        {
            await using var file = File.OpenRead(snapshot.Path);
            await using var gzip = new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress, leaveOpen: true);
            var buffer = new byte[1 << 16];
            long total = 0;
            int read;
            while ((read = await gzip.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
            }

            return total > 0 && await GzipTrailer.MatchesAsync(file, total, ct);
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    public void Quarantine(SpooledSnapshot snapshot) => MoveToQuarantine(snapshot.Path);

    /// <summary>
    /// Deletes quarantined files older than <paramref name="retention"/> (by the time they were quarantined, which their
    /// name starts with; else their last write): they hold personal data and are kept only to be looked at. Returns how many.
    /// </summary>
    public int ExpireQuarantine(DateTimeOffset now, TimeSpan retention)
    {
        if (!Directory.Exists(QuarantineDirectory))
        {
            return 0;
        }

        var expired = 0;
        foreach (var file in Directory.GetFiles(QuarantineDirectory))
        {
            var name = Path.GetFileName(file);
            var quarantinedAt = name.Length > QuarantineStamp.Length
                && DateTime.TryParseExact(name[..QuarantineStamp.Length], QuarantineStamp, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var stamped)
                ? new DateTimeOffset(stamped, TimeSpan.Zero)
                : new DateTimeOffset(File.GetLastWriteTimeUtc(file), TimeSpan.Zero);
            if (now - quarantinedAt > retention)
            {
                File.Delete(file);
                expired++;
            }
        }

        return expired;
    }

    private const string QuarantineStamp = "yyyyMMddHHmmss";

    private void MoveToQuarantine(string path)
    {
        OwnerOnly.CreateDirectory(QuarantineDirectory);
        File.Move(path, Path.Combine(QuarantineDirectory, $"{DateTime.UtcNow.ToString(QuarantineStamp, System.Globalization.CultureInfo.InvariantCulture)}-{Path.GetFileName(path)}"), overwrite: true);
    }
}
