using PecLists.Contracts;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// The daily run and the watch service (ADR 0023) share one install: both may install a release, and both launchers
/// may confirm or roll back a release on trial. <c>versions/state.json</c> is changed only under its lock, one install
/// runs at a time, and a rollback happens once.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // releases here are shell scripts
public sealed class SelfUpdateConcurrencyTests : IDisposable
{
    private static readonly string V2 = Bump(1);
    private static readonly string V3 = Bump(2);
    private readonly Releases _releases = new();

    public void Dispose() => _releases.Dispose();

    [Fact]
    public async Task Changes_to_the_launcher_state_made_at_the_same_time_by_two_callers_are_all_kept()
    {
        const int Each = 150;
        using var start = new Barrier(2);
        var changes = Enumerable.Range(0, 2).Select(caller => Task.Run(() =>
        {
            start.SignalAndWait();
            for (var i = 0; i < Each; i++)
            {
                LauncherState.Update(_releases.Layout, state =>
                {
                    state.Blocked[$"{caller}.{i}.0"] = DateTimeOffset.UtcNow;
                    return true;
                });
            }
        })).ToArray();

        await Task.WhenAll(changes);

        Assert.Equal(2 * Each, _releases.Launcher.Blocked.Count); // none read before the other's write and saved over it
    }

    [Fact]
    public async Task Two_launchers_whose_release_on_trial_crashed_roll_it_back_once_and_both_run_the_previous_one()
    {
        Install(V2);
        Install(V3);
        new LauncherState { Current = V3, Previous = V2, Trial = true }.Save(_releases.Layout);
        var started = new List<string>();
        using var bothStarted = new CountdownEvent(2);

        // The watch's launcher sees its V3 crash and rolls back; the run's V3 crashes right after that rollback.
        var watch = Launcher(started, release =>
        {
            bothStarted.Signal();
            bothStarted.Wait();
            return ExitCodes.Unexpected;
        });
        var run = Launcher(started, release =>
        {
            bothStarted.Signal();
            bothStarted.Wait();
            Assert.True(SpinWait.SpinUntil(() => LauncherState.Load(_releases.Layout).Current != V3, TimeSpan.FromMinutes(1)));
            return ExitCodes.Unexpected;
        });

        var exits = await Task.WhenAll(Task.Run(() => watch.RunAsync(["watch"])), Task.Run(() => run.RunAsync(["run"])));

        Assert.Equal([ExitCodes.Ok, ExitCodes.Ok], exits);
        var state = _releases.Launcher;
        Assert.Equal((V2, false), (state.Current, state.Trial)); // not rolled back a second time, past V2 to the launcher
        Assert.Equal([V3], state.Blocked.Keys);
        Assert.Equal((UpdateStates.RolledBack, V3, V2), (state.Report?.State, state.Report?.Version, state.Report?.FromVersion));
        lock (started)
        {
            Assert.Equal(2, started.Count(r => r == V2)); // both went on with the previous release
        }
    }

    [Fact]
    public async Task Two_self_updates_at_once_download_and_install_the_release_once()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        _releases.Offer(V2, Releases.Script(0));
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holding = 0;
        _releases.BeforeBinary = () => Interlocked.Exchange(ref holding, 1) == 0 ? held.Task : Task.CompletedTask; // the first download stays in flight

        // Two spools: the run lock of one spool does not serialise them (a watch with its own config beside the daily run).
        var runs = new[]
        {
            _releases.RunAsync(backend.Endpoint, _releases.Spool + "-a"),
            _releases.RunAsync(backend.Endpoint, _releases.Spool + "-b"),
        };
        var firstDone = await Task.WhenAny(runs).WaitAsync(TimeSpan.FromMinutes(2)); // the one not holding the download
        held.SetResult();
        var results = await Task.WhenAll(runs);

        Assert.False((await firstDone).Updated);
        Assert.Contains((await firstDone).Events, e => e.Message.Contains("another uploader process on this machine is installing", StringComparison.Ordinal));
        Assert.Single(results, r => r.Updated);
        Assert.Single(backend.Requests, r => r.Path == ApiRoutes.ReleaseBinaryPath(V2, _releases.Manifest!.Runtime));
        var state = _releases.Launcher;
        Assert.Equal((V2, (string?)null, true), (state.Current, state.Previous, state.Trial));
        Assert.Equal(UpdateStates.Updated, state.Report?.State);
    }

    private Launcher Launcher(List<string> started, Func<string, int> release) =>
        new(_releases.Layout, _ => Task.FromResult(ExitCodes.Ok), (binary, _, _) =>
        {
            var version = Path.GetFileName(Path.GetDirectoryName(binary))!;
            lock (started)
            {
                started.Add(version);
            }

            return version == V3 ? release(version) : ExitCodes.Ok;
        });

    private void Install(string version)
    {
        Directory.CreateDirectory(_releases.Layout.VersionDirectory(version));
        File.WriteAllBytes(_releases.Layout.BinaryOf(version), Releases.Script(0));
    }

    private static string Bump(int minor)
    {
        var running = Version.Parse(BackendClient.Version);
        return new Version(running.Major, running.Minor + minor, 0).ToString(3);
    }
}
