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

    private (string Config, string Spool) Installed(string json)
    {
        var spool = _dir.Combine("spool");
        Directory.CreateDirectory(spool);
        File.WriteAllText(Path.Combine(spool, "pending.csv.gz"), "x");
        var config = _dir.Combine("config.json");
        File.WriteAllText(config, json.Replace("SPOOL", spool.Replace("\\", "\\\\", StringComparison.Ordinal), StringComparison.Ordinal));
        return (config, spool);
    }

    private sealed class FlagScheduler : IScheduler
    {
        public bool Registered { get; private set; } = true;

        public string Register(ScheduledJob job) => "flag";

        public void Unregister() => Registered = false;

        public string? Current() => null;
    }
}
