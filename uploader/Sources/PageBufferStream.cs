using System.Text;

namespace PecLists.Uploader.Sources;

/// <summary>
/// One page's CSV until the page is read whole: in memory up to <see cref="MemoryLimit"/>, then in a file only the
/// running account can read (0600; on Unix unlinked as soon as it is open, so not even a crash leaves it behind; on
/// Windows deleted on close by the OS). A page that fails halfway is discarded (<see cref="Reset"/>) and read again;
/// only a whole page reaches the spool writer (<see cref="MoveTo"/>). Memory stays flat on a page of a million rows.
/// </summary>
public sealed class PageBufferStream(string directory) : Stream
{
    public const int MemoryLimit = 1 << 20;

    private const int CopyBufferChars = 1 << 15;

    private readonly MemoryStream _memory = new();
    private FileStream? _file;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => _file?.Length ?? _memory.Length;

    public override long Position { get => Length; set => throw new NotSupportedException(); }

    /// <summary>Forgets what was written: the page is read again from its start.</summary>
    public void Reset()
    {
        _memory.SetLength(0);
        _file?.SetLength(0);
    }

    /// <summary>Writes the whole page's text to <paramref name="destination"/>, then forgets it.</summary>
    public void MoveTo(TextWriter destination)
    {
        Stream content;
        if (_file is null)
        {
            content = new MemoryStream(_memory.GetBuffer(), 0, (int)_memory.Length, writable: false);
        }
        else
        {
            _file.Flush();
            _file.Position = 0;
            content = _file;
        }

        using (var text = new StreamReader(content, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, CopyBufferChars, leaveOpen: true))
        {
            var chars = new char[CopyBufferChars];
            int read;
            while ((read = text.Read(chars, 0, chars.Length)) > 0)
            {
                destination.Write(chars, 0, read);
            }
        }

        Reset();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_file is null && _memory.Length + buffer.Length > MemoryLimit)
        {
            _file = OpenFile();
            _file.Write(_memory.GetBuffer(), 0, (int)_memory.Length);
            _memory.SetLength(0);
            _memory.Capacity = 0; // the memory part is given back: from here on the page lives on disk
        }

        if (_file is null)
        {
            _memory.Write(buffer);
        }
        else
        {
            _file.Write(buffer);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file?.Dispose();
            _memory.Dispose();
        }

        base.Dispose(disposing);
    }

    private FileStream OpenFile()
    {
        var path = Path.Combine(Directory.Exists(directory) ? directory : Path.GetTempPath(), $".page-{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose,
            BufferSize = 1 << 16,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        var file = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path); // open files outlive their name on Unix: nothing is left if the process dies
        }

        return file;
    }
}
