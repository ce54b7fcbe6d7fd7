using PecLists.Uploader.Commands;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Tests;

public sealed class UninstallTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Without_purge_only_the_schedule_goes_and_config_and_spool_stay()
    {
        var (config, spool) = Installed("""{ "endpoint": "https://x", "spoolDirectory": "SPOOL" }""");
        var schedulers = new[] { new FlagScheduler(), new FlagScheduler() };

        var exit = new UninstallCommand(schedulers, TextWriter.Null).Execute(config, purge: false);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.All(schedulers, s => Assert.False(s.Registered));
        Assert.True(File.Exists(config));
        Assert.True(Directory.Exists(spool));
    }

    [Fact]
    public void Purge_removes_config_and_spool_even_when_the_config_is_invalid()
    {
        var (config, spool) = Installed("""{ "endpoint": "not a url", "spoolDirectory": "SPOOL" }""");

        var exit = new UninstallCommand([new FlagScheduler()], TextWriter.Null).Execute(config, purge: true);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.False(File.Exists(config));
        Assert.False(Directory.Exists(spool));
    }

    [Fact]
    public void When_the_schedule_cannot_be_removed_it_says_so_and_purge_keeps_config_and_spool()
    {
        var (config, spool) = Installed("""{ "endpoint": "https://x", "spoolDirectory": "SPOOL" }""");
        using var output = new StringWriter();

        var exit = new UninstallCommand([new FlagScheduler(), new StuckScheduler()], output).Execute(config, purge: true);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("FAIL  could not remove the daily run: schtasks /Delete failed (exit code 1): access denied. Nothing else was removed", output.ToString(), StringComparison.Ordinal);
        Assert.True(File.Exists(config));
        Assert.True(Directory.Exists(spool));
    }

    private (string Config, string Spool) Installed(string json)
    {
        var spool = _dir.Combine("spool");
        Directory.CreateDirectory(spool);
        File.WriteAllText(Path.Combine(spool, "pending.csv.gz"), "x");
        var config = _dir.Combine("config.json");
        File.WriteAllText(config, json.Replace("SPOOL", spool.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));
        return (config, spool);
    }

    private sealed class StuckScheduler : IScheduler
    {
        public string Register(ScheduledJob job) => "stuck";

        public void Unregister() => throw new InvalidOperationException("schtasks /Delete failed (exit code 1): access denied");

        public string? Current() => ScheduleDefinitions.CronMarker;
    }

    private sealed class FlagScheduler : IScheduler
    {
        public bool Registered { get; private set; } = true;

        public string Register(ScheduledJob job) => "flag";

        public void Unregister() => Registered = false;

        public string? Current() => null;
    }
}
