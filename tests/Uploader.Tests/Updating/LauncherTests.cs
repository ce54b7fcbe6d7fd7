using PecLists.Contracts;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// The launcher with real processes: a release is a shell script in <c>versions/&lt;version&gt;/</c> that records how it
/// was started and exits as told. "Here" is the launcher running the command itself (the installed binary).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // releases here are shell scripts
public sealed class LauncherTests : IDisposable
{
    private static readonly string V2 = Bump(1);
    private static readonly string V3 = Bump(2);
    private readonly Releases _releases = new();
    private readonly List<string[]> _ranHere = [];
    private int _hereExitCode = ExitCodes.Ok;

    public void Dispose() => _releases.Dispose();

    [Fact]
    public async Task Without_a_current_release_the_launcher_runs_the_command_itself()
    {
        var exit = await Launch("run", "--config", "c.json");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Equal(["run", "--config", "c.json"], Assert.Single(_ranHere));
    }

    [Fact]
    public async Task A_current_release_is_started_with_the_same_arguments_and_told_where_the_launcher_is()
    {
        Install(V2, ExitCodes.Network, marker: true);
        Current(V2, previous: null, trial: false);

        var exit = await Launch("--config", "c.json", "run");

        Assert.Equal(ExitCodes.Network, exit);
        Assert.Empty(_ranHere);
        Assert.Equal($"--config c.json run|{_releases.Layout.LauncherPath}|{V2}", Ran(V2)); // it reports the version it was shipped as
    }

    [Fact]
    public async Task Install_and_uninstall_always_run_in_the_launcher_itself()
    {
        Install(V2, ExitCodes.Ok, marker: true);
        Current(V2, previous: null, trial: false);

        await Launch("install", "--endpoint", "https://x");
        await Launch("uninstall");

        Assert.Equal(2, _ranHere.Count);
        Assert.False(File.Exists(RanFile(V2)));
    }

    [Fact]
    public async Task A_release_on_trial_that_crashes_at_start_is_rolled_back_blocked_and_reported_and_the_previous_one_runs_now()
    {
        Install(V2, ExitCodes.Ok, marker: true);
        Install(V3, ExitCodes.Unexpected, marker: false); // exits 1 before its run began
        Current(V3, previous: V2, trial: true);

        var exit = await Launch("run");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.NotNull(Ran(V2)); // this run's data still went out, with the previous release
        var state = _releases.Launcher;
        Assert.Equal((V2, false), (state.Current, state.Trial));
        Assert.Contains(V3, state.Blocked.Keys);
        Assert.Equal((UpdateStates.RolledBack, V3, V2, UpdateFailureCodes.CrashedAtStart), (state.Report!.State, state.Report.Version, state.Report.FromVersion, state.Report.Reason));
        Assert.False(Directory.Exists(_releases.Layout.VersionDirectory(V3)));
    }

    [Fact]
    public async Task A_release_whose_first_run_fails_unexpectedly_is_rolled_back_to_the_launcher_itself()
    {
        Install(V2, ExitCodes.Unexpected, marker: true); // started its run, then failed
        Current(V2, previous: null, trial: true);

        var exit = await Launch("run");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Single(_ranHere);
        var state = _releases.Launcher;
        Assert.Null(state.Current);
        Assert.Equal((UpdateStates.RolledBack, V2, BackendClient.Version, UpdateFailureCodes.FirstRunFailed), (state.Report!.State, state.Report.Version, state.Report.FromVersion, state.Report.Reason));
    }

    [Fact]
    public async Task A_release_that_dies_of_a_signal_is_rolled_back()
    {
        Install(V2, 0, marker: true, also: "kill -SEGV $$");
        Current(V2, previous: null, trial: true);

        await Launch("watch");

        Assert.Null(_releases.Launcher.Current);
        Assert.Contains(V2, _releases.Launcher.Blocked.Keys);
    }

    [Fact]
    public async Task A_data_failure_on_trial_is_not_the_binarys_fault_the_release_stays_and_is_confirmed()
    {
        Install(V2, ExitCodes.Database, marker: true);
        Current(V2, previous: null, trial: true);

        var exit = await Launch("run");

        Assert.Equal(ExitCodes.Database, exit);
        Assert.Equal((V2, false), (_releases.Launcher.Current, _releases.Launcher.Trial));
        Assert.Empty(_releases.Launcher.Blocked);
    }

    [Fact]
    public async Task A_busy_run_proves_nothing_the_trial_goes_on()
    {
        Install(V2, ExitCodes.Busy, marker: true);
        Current(V2, previous: null, trial: true);

        await Launch("run");

        Assert.True(_releases.Launcher.Trial);
    }

    [Fact]
    public async Task A_doctor_on_trial_neither_confirms_nor_rolls_back()
    {
        Install(V2, ExitCodes.Unexpected, marker: false);
        Current(V2, previous: null, trial: true);

        await Launch("doctor");

        Assert.Equal((V2, true), (_releases.Launcher.Current, _releases.Launcher.Trial));
    }

    [Fact]
    public async Task A_blocked_or_missing_or_older_current_is_not_started()
    {
        Install(V2, ExitCodes.Ok, marker: true);
        var state = new LauncherState { Current = V2, Blocked = { [V2] = DateTimeOffset.UtcNow } };
        state.Save(_releases.Layout);
        await Launch("run");

        new LauncherState { Current = V3 }.Save(_releases.Layout); // its folder is gone
        await Launch("run");

        Install(Bump(-1), ExitCodes.Ok, marker: true); // older than the launcher: a newer one was installed by hand
        new LauncherState { Current = Bump(-1) }.Save(_releases.Layout);
        await Launch("run");

        Assert.Equal(3, _ranHere.Count);
        Assert.Null(Ran(V2));
        Assert.Null(Ran(Bump(-1)));
    }

    [Fact]
    public async Task A_watch_that_installed_a_release_here_is_started_again_as_that_release()
    {
        Install(V2, ExitCodes.Ok, marker: true);
        _hereExitCode = ExitCodes.Updated;
        var launcher = new Launcher(_releases.Layout, args =>
        {
            _ranHere.Add(args);
            new LauncherState { Current = V2, Trial = true }.Save(_releases.Layout); // what SelfUpdate does
            return Task.FromResult(_hereExitCode);
        });

        var exit = await launcher.RunAsync(["watch"]);

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Single(_ranHere);
        Assert.Equal($"watch|{_releases.Layout.LauncherPath}|{V2}", Ran(V2));
        Assert.False(_releases.Launcher.Trial);
    }

    [Theory]
    [InlineData(ExitCodes.Unexpected, true)]
    [InlineData(134, true)] // SIGABRT: .NET's unhandled exception on Linux
    [InlineData(139, true)] // SIGSEGV
    [InlineData(unchecked((int)0xE0434352), true)] // .NET's unhandled exception on Windows
    [InlineData(ExitCodes.Ok, false)]
    [InlineData(ExitCodes.Config, false)]
    [InlineData(ExitCodes.Network, false)]
    [InlineData(ExitCodes.Database, false)]
    [InlineData(ExitCodes.Token, false)]
    [InlineData(ExitCodes.DiskFull, false)]
    [InlineData(ExitCodes.SourceApi, false)]
    [InlineData(ExitCodes.Updated, false)]
    [InlineData(42, false)] // a later release's new failure category
    public void Only_an_unexpected_failure_or_a_crash_counts_against_the_binary(int exitCode, bool broken) =>
        Assert.Equal(broken, Launcher.IsBrokenBinary(exitCode));

    [Theory]
    [InlineData(new[] { "run" }, "run")]
    [InlineData(new[] { "--config", "run", "watch" }, "watch")]
    [InlineData(new[] { "--help" }, null)]
    public void The_command_is_the_first_word_that_is_not_an_option_or_the_configs_value(string[] args, string? command) =>
        Assert.Equal(command, Launcher.CommandOf(args));

    private Task<int> Launch(params string[] args) =>
        new Launcher(_releases.Layout, a =>
        {
            _ranHere.Add(a);
            return Task.FromResult(_hereExitCode);
        }).RunAsync(args);

    /// <summary>A release that records its arguments and the launcher it was told of, writes the started marker if asked, and exits.</summary>
    private void Install(string version, int exitCode, bool marker, string also = "")
    {
        var folder = _releases.Layout.VersionDirectory(version);
        Directory.CreateDirectory(folder);
        var script = $"echo \"$*|${InstallLayout.LauncherVariable}|${ReleaseIdentity.Variable}\" > \"{RanFile(version)}\"\n"
            + (marker ? $"touch \"{_releases.Layout.StartedMarkerOf(version)}\"\n" : string.Empty)
            + also;
        File.WriteAllBytes(_releases.Layout.BinaryOf(version), Releases.Script(exitCode, script));
        File.SetUnixFileMode(_releases.Layout.BinaryOf(version), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private void Current(string version, string? previous, bool trial) =>
        new LauncherState { Current = version, Previous = previous, Trial = trial }.Save(_releases.Layout);

    private string RanFile(string version) => Path.Combine(_releases.Layout.Directory, $"ran-{version}");

    private string? Ran(string version) => File.Exists(RanFile(version)) ? File.ReadAllText(RanFile(version)).Trim() : null;

    private static string Bump(int minor)
    {
        var running = Version.Parse(BackendClient.Version);
        return new Version(running.Major, running.Minor + minor, 0).ToString(3);
    }
}
