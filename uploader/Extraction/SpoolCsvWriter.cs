using System.IO.Compression;
using System.Text;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Where every source writes a list: CSV text (header first) in, gzip CSV out into the spool's stream. A list with
/// masks goes through the <see cref="MaskingCsvWriter"/> first, so no source can spool a clear value it was told to
/// mask; a list without masks goes straight to UTF-8 → gzip, the same chain and buffers as before masking existed.
/// Sources never see the spool's stream, only <see cref="Writer"/>.
/// </summary>
public sealed class SpoolCsvWriter : IAsyncDisposable
{
    private const int CharBufferSize = 1 << 15;

    private readonly CountingStream _counting;
    private readonly GZipStream _gzip;
    private readonly StreamWriter _text;
    private readonly MaskingCsvWriter? _masking;
    private bool _completed;

    private SpoolCsvWriter(Stream destination, CompressionLevel level, ListMasks? masks)
    {
        _counting = new CountingStream(destination);
        _gzip = new GZipStream(_counting, level, leaveOpen: true);
        _text = new StreamWriter(_gzip, new UTF8Encoding(false), CharBufferSize);
        _masking = masks is null ? null : new MaskingCsvWriter(_text, masks);
    }

    /// <summary>What the source writes its CSV text into.</summary>
    public TextWriter Writer => (TextWriter?)_masking ?? _text;

    /// <summary>gzip bytes written so far; the whole size once <see cref="CompleteAsync"/> returned.</summary>
    public long CompressedBytes => _counting.Position;

    /// <summary>gzip CSV of the list into <paramref name="destination"/> (left open), masked by <paramref name="masks"/> when not null.</summary>
    public static SpoolCsvWriter Open(Stream destination, CompressionLevel level, ListMasks? masks = null) => new(destination, level, masks);

    /// <summary>Ends the CSV (the last record, when it lacked a line break) and the gzip stream. Safe to call again.</summary>
    public async Task CompleteAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _masking?.Complete();
        await _text.DisposeAsync();
        await _gzip.DisposeAsync();
    }

    /// <summary>Closes the streams; without <see cref="CompleteAsync"/> (a failed extraction) the spool discards the file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        await _text.DisposeAsync();
        await _gzip.DisposeAsync();
    }
}
