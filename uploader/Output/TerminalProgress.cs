using System.Diagnostics;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Output;

/// <summary>
/// One self-overwriting status line (rows, bytes, speed) while a person watches at a terminal; nothing at all when
/// the run is scheduled (output redirected, no console). Redrawn at most every 200 ms; cleared before each log line.
/// Written with '\r' and space padding rather than ANSI codes, so old Windows consoles show it too.
/// </summary>
public sealed class TerminalProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);
    private readonly TextWriter _terminal;
    private readonly Func<TimeSpan> _clock;
    private TimeSpan _phaseStarted;
    private TimeSpan _lastDrawn = TimeSpan.MinValue;
    private int _shown;

    public TerminalProgress(TextWriter terminal, Func<TimeSpan>? clock = null)
    {
        _terminal = terminal;
        var stopwatch = Stopwatch.StartNew();
        _clock = clock ?? (() => stopwatch.Elapsed);
    }

    /// <summary>Progress on standard error when a person runs the uploader at a terminal; null when scheduled.</summary>
    public static TerminalProgress? ForConsole() =>
        Environment.UserInteractive && !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb"
            ? new TerminalProgress(Console.Error)
            : null;

    /// <summary>Marks the start of a phase (an extraction, an upload): speeds are measured from here.</summary>
    public void Start()
    {
        _phaseStarted = _clock();
        _lastDrawn = TimeSpan.MinValue;
    }

    public void Extracting(string list, ExtractProgress progress)
    {
        if (Due(out var seconds))
        {
            Draw(Localized.Format(
                $"{list}: {progress.Rows:N0} rows · {Megabytes(progress.CsvChars)} read · {Megabytes(progress.CompressedBytes)} compressed · {Megabytes(progress.CsvChars / seconds)}/s",
                $"{list}: {progress.Rows:N0} linhas · {Megabytes(progress.CsvChars)} lidos · {Megabytes(progress.CompressedBytes)} comprimidos · {Megabytes(progress.CsvChars / seconds)}/s"));
        }
    }

    public void Sending(string list, long sent, long total)
    {
        if (Due(out var seconds))
        {
            var percent = total == 0 ? 100 : sent * 100 / total;
            Draw(Localized.Format(
                $"{list}: sending {Megabytes(sent)} of {Megabytes(total)} ({percent} %) · {Megabytes(sent / seconds)}/s",
                $"{list}: enviando {Megabytes(sent)} de {Megabytes(total)} ({percent} %) · {Megabytes(sent / seconds)}/s"));
        }
    }

    /// <summary>Erases the status line so the next log line starts clean.</summary>
    public void Clear()
    {
        if (_shown > 0)
        {
            _terminal.Write('\r' + new string(' ', _shown) + '\r');
            _terminal.Flush();
            _shown = 0;
        }
    }

    private bool Due(out double seconds)
    {
        var now = _clock();
        seconds = Math.Max((now - _phaseStarted).TotalSeconds, 0.001);
        if (_lastDrawn != TimeSpan.MinValue && now - _lastDrawn < Interval)
        {
            return false;
        }

        _lastDrawn = now;
        return true;
    }

    private void Draw(string line)
    {
        var padding = Math.Max(0, _shown - line.Length);
        _terminal.Write('\r' + line + new string(' ', padding));
        _terminal.Flush();
        _shown = line.Length;
    }

    private static string Megabytes(double bytes) => (bytes / 1e6).ToString("N1", Localized.Culture) + " MB";
}
