using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;

namespace PecLists.Uploader.Tests;

public sealed class TerminalProgressTests
{
    private TimeSpan _now;

    [Fact]
    public void Shows_rows_bytes_and_speed_redrawn_at_most_every_200_ms()
    {
        var terminal = new StringWriter();
        var progress = new TerminalProgress(terminal, () => _now);
        progress.Start();

        _now = TimeSpan.FromSeconds(1);
        progress.Extracting("hipertensos", new ExtractProgress(12_345, 40_000_000, 9_000_000));
        _now += TimeSpan.FromMilliseconds(100);
        progress.Extracting("hipertensos", new ExtractProgress(13_000, 41_000_000, 9_100_000)); // too soon: not drawn
        _now = TimeSpan.FromSeconds(2);
        progress.Extracting("hipertensos", new ExtractProgress(20_000, 80_000_000, 18_000_000));

        var draws = terminal.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, draws.Length);
        Assert.Equal("hipertensos: 12,345 rows · 40.0 MB read · 9.0 MB compressed · 40.0 MB/s", draws[0]);
        Assert.Equal("hipertensos: 20,000 rows · 80.0 MB read · 18.0 MB compressed · 40.0 MB/s", draws[1].TrimEnd());
    }

    [Fact]
    public void Speaks_portuguese_with_brazilian_numbers()
    {
        using var _ = Localized.Use(Language.Portuguese);
        var terminal = new StringWriter();
        var progress = new TerminalProgress(terminal, () => _now);
        progress.Start();
        _now = TimeSpan.FromSeconds(4);

        progress.Sending("hipertensos", 3_200_000, 12_800_000);

        Assert.Equal("\rhipertensos: enviando 3,2 MB de 12,8 MB (25 %) · 0,8 MB/s", terminal.ToString());
    }

    [Fact]
    public void Clearing_blanks_the_whole_line_so_a_log_line_starts_clean()
    {
        var terminal = new StringWriter();
        var progress = new TerminalProgress(terminal, () => _now);
        progress.Start();
        _now = TimeSpan.FromSeconds(1);
        progress.Sending("hipertensos", 1_000_000, 2_000_000);
        var shown = terminal.ToString().Length - 1;

        progress.Clear();
        progress.Clear(); // nothing left to clear: writes nothing

        Assert.EndsWith("\r" + new string(' ', shown) + "\r", terminal.ToString(), StringComparison.Ordinal);
        Assert.Equal(1 + shown + 1 + shown + 1, terminal.ToString().Length);
    }
}
