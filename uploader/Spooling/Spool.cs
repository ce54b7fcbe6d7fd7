using PecLists.Contracts;
using PecLists.Uploader.Incremental;

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

    /// <summary>
    /// Writes a delivery: to "*.partial", then renamed once complete. A <paramref name="kind"/> other than a whole
    /// snapshot, and the cursor <paramref name="cursorOf"/> reads from the complete partial file, go into the file's
    /// name, so the one rename makes the data and what it is visible together.
    /// </summary>
    public async Task<SpooledSnapshot> WriteAsync(string site, string list, Guid snapshotId, Func<Stream, Task> write, string? kind = null, Func<string, Task<CursorValue?>>? cursorOf = null)
    {
        var directory = Path.Combine(root, site, list);
        OwnerOnly.CreateDirectory(root);
        OwnerOnly.CreateDirectory(Path.Combine(root, site));
        OwnerOnly.CreateDirectory(directory);
        var partial = Path.Combine(directory, snapshotId.ToString("D") + PartialExtension);
        string final;
        CursorValue? cursor = null;
        try
        {
            await WriteFileAsync(partial, write);
            cursor = cursorOf is null ? null : await cursorOf(partial);
            final = Path.Combine(directory, FileName(snapshotId, kind, cursor));
            File.Move(partial, final);
        }
        catch
        {
            File.Delete(partial);
            throw;
        }

        return new SpooledSnapshot(site, list, snapshotId, final, kind, cursor);
    }

    /// <summary>{id}.csv.gz, {id}.{kind}.csv.gz or {id}.{kind}.{cursor}.csv.gz (a whole snapshot keeps the name it always had).</summary>
    private static string FileName(Guid snapshotId, string? kind, CursorValue? cursor) =>
        string.Join('.', new[] { snapshotId.ToString("D"), kind == DeliveryKinds.Snapshot && cursor is null ? null : kind, cursor?.ToToken() }.Where(p => p is not null)) + Extension;

    /// <summary>Reads back <see cref="FileName"/>; null for a file that is not a delivery.</summary>
    private static SpooledSnapshot? Parse(string site, string list, string path)
    {
        var parts = Path.GetFileName(path)[..^Extension.Length].Split('.');
        if (parts.Length > 3 || !Guid.TryParseExact(parts[0], "D", out var id))
        {
            return null;
        }

        var kind = parts.Length > 1 ? parts[1] : null;
        if (kind is not null && !DeliveryKinds.All.Contains(kind))
        {
            return null;
        }

        CursorValue? cursor = null;
        if (parts.Length > 2 && (cursor = CursorValue.FromToken(parts[2])) is null)
        {
            return null;
        }

        return new SpooledSnapshot(site, list, id, path, kind, cursor);
    }

    /// <summary>Writes <paramref name="path"/> owner-only and flushed to disk; the caller renames it into place.</summary>
    internal static async Task WriteFileAsync(string path, Func<Stream, Task> write)
    {
        await using var file = new FileStream(path, OwnerOnly.NewFile(FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.Asynchronous));
        await write(file);
        await file.FlushAsync();
        file.Flush(flushToDisk: true);
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
                .Select(file => Parse(site, Path.GetFileName(listDirectory), file)))
            .OfType<SpooledSnapshot>()
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

    /// <summary>
    /// Deletes pending deliveries a newer one makes useless, and returns how many: everything older than a list's newest
    /// whole snapshot, and a key set older than a newer key set. Append and changes deliveries are otherwise kept, and
    /// sent oldest first: each holds rows no other delivery has.
    /// </summary>
    public int DropSuperseded(string site)
    {
        var dropped = 0;
        foreach (var older in Pending(site).GroupBy(s => s.List).SelectMany(Superseded))
        {
            Delete(older);
            dropped++;
        }

        return dropped;
    }

    private static IEnumerable<SpooledSnapshot> Superseded(IEnumerable<SpooledSnapshot> list)
    {
        var newestFirst = list.OrderByDescending(s => s.ExtractedAt).ToList();
        var whole = newestFirst.FindIndex(s => s.IsWhole);
        var olderThanWhole = whole < 0 ? [] : newestFirst.Skip(whole + 1);
        var kept = whole < 0 ? newestFirst : newestFirst.Take(whole);
        return olderThanWhole.Concat(kept.Where(s => s.Kind == DeliveryKinds.KeySet).Skip(1));
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
