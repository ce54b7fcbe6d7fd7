using System.Diagnostics;
using LocalInfra;

namespace EndToEnd.Tests;

/// <summary>The real uploader process killed in the middle of an extraction: the next run is clean and delivers.</summary>
public sealed class UploaderFaultTests
{
    [Fact]
    public async Task Killed_during_extraction_the_next_run_quarantines_the_partial_file_and_delivers()
    {
        await using var pipeline = await LocalPipeline.StartAsync();
        var site = await pipeline.AddMunicipalityAsync("3106200", "Belo Horizonte (teste)", 30_000, seed: 4);

        var start = new ProcessStartInfo("dotnet") { ArgumentList = { RepoPaths.UploaderDll, "run", "--config", site.ConfigPath }, RedirectStandardOutput = true };
        foreach (var (key, value) in UploaderLocale.Environment(UploaderLocale.English))
        {
            start.Environment[key] = value;
        }

        using (var run = Process.Start(start)!)
        {
            await Eventually.UntilAsync(
                () =>
                {
                    var writing = PartialFiles(site).Any();
                    Assert.False(!writing && run.HasExited, "the uploader ended before the extraction started writing");
                    return writing;
                },
                TimeSpan.FromSeconds(60), "the extraction to start writing a partial spool file", TimeSpan.FromMilliseconds(5));

            run.Kill(entireProcessTree: true); // the machine lost power, or someone closed the window
            await run.WaitForExitAsync();
        }

        Assert.NotEmpty(PartialFiles(site));
        Assert.Empty(await pipeline.SnapshotsAsync()); // nothing half-sent

        var again = await pipeline.RunUploaderAsync(site);

        Assert.True(again.ExitCode == 0, again.Combined);
        Assert.Contains("interrupted spool file", again.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(PartialFiles(site), f => !f.Contains("quarantine", StringComparison.Ordinal));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(site.SpoolDirectory, "quarantine")));
        Assert.Equal("loaded", Assert.Single(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1))).Status);
        Assert.True((await pipeline.CompareAsync(site, "hipertensos")).Equal);
    }

    private static IEnumerable<string> PartialFiles(Municipality site) =>
        Directory.Exists(site.SpoolDirectory) ? Directory.GetFiles(site.SpoolDirectory, "*.partial", SearchOption.AllDirectories) : [];
}
