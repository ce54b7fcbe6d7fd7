using System.Globalization;
using PecLists.Contracts;
using PecLists.Functions.Http;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Ingest;

/// <summary>
/// The folder uploads are spooled to while they are checked (<see cref="IngestOptions.SpoolDirectory"/>, else the OS temp
/// folder) and whether it has room for one more. At worst it holds MaxConcurrentUploads × MaxCompressedBytes (1.6 GB by
/// default). An upload is admitted only if the folder's free space, less what the uploads in progress have still to
/// write, covers its Content-Length plus <see cref="IngestOptions.SpoolFreeMarginBytes"/>; otherwise, and if the disk fills
/// anyway while it is written (something else used the space), it gets 429 <c>insufficient-storage</c> with Retry-After:
/// the uploader keeps the snapshot and sends it later. Never 500, and nothing is stored or queued.
/// </summary>
public sealed class SpoolSpace
{
    /// <summary>What a refused upload is told to wait: time for the uploads in progress to finish and free their files.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly long _margin;
    private long _pending;

    public SpoolSpace(IOptions<IngestOptions> options)
    {
        var configured = options.Value.SpoolDirectory;
        Directory = string.IsNullOrWhiteSpace(configured) ? Path.GetTempPath() : Path.GetFullPath(configured);
        System.IO.Directory.CreateDirectory(Directory);
        _margin = options.Value.SpoolFreeMarginBytes;
    }

    public string Directory { get; }

    /// <summary>Free bytes of the spool folder's file system, as the OS reports them to this process.</summary>
    public long FreeBytes => new DriveInfo(Directory).AvailableFreeSpace;

    /// <summary>
    /// True for the OS's "no space left" (Linux/macOS ENOSPC and EDQUOT; Windows ERROR_DISK_FULL and
    /// ERROR_HANDLE_DISK_FULL): .NET reports those as a plain IOException whose HResult carries the error number.
    /// </summary>
    public static bool IsDiskFull(IOException exception) => exception.HResult switch
    {
        unchecked((int)0x80070070) or unchecked((int)0x80070027) => OperatingSystem.IsWindows(),
        28 => !OperatingSystem.IsWindows(),
        122 => OperatingSystem.IsLinux(),
        69 => OperatingSystem.IsMacOS(),
        _ => false,
    };

    /// <summary>The 429 of an upload there is no room for now.</summary>
    public static IResult NoRoom(HttpContext context)
    {
        context.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Problems.Result(StatusCodes.Status429TooManyRequests, ProblemCodes.InsufficientStorage, "No room for this upload now",
            "The server has no disk space to receive this snapshot at the moment; keep it and retry after the number of seconds in Retry-After.");
    }

    /// <summary>Room for <paramref name="bytes"/> more, held until disposed; null when there is none.</summary>
    public Reservation? TryReserve(long bytes)
    {
        lock (_gate)
        {
            if (FreeBytes - _pending < bytes + _margin)
            {
                return null;
            }

            _pending += bytes;
        }

        return new Reservation(this, bytes);
    }

    /// <summary>An upload's claim on the spool folder: the part not yet written counts against the free space.</summary>
    public sealed class Reservation(SpoolSpace space, long bytes) : IDisposable
    {
        private long _left = bytes;

        /// <summary>These bytes are on disk now (the file system's free space shows them).</summary>
        public void Wrote(int count)
        {
            var release = Math.Min(count, Interlocked.Read(ref _left));
            Interlocked.Add(ref _left, -release);
            space.Release(release);
        }

        public void Dispose() => space.Release(Interlocked.Exchange(ref _left, 0));
    }

    private void Release(long bytes)
    {
        lock (_gate)
        {
            _pending -= bytes;
        }
    }
}
