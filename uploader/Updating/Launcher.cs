using System.Diagnostics;
using PecLists.Contracts;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Updating;

/// <summary>
/// The part of the installed binary that decides which release runs (docs/adr/0027-uploader-self-update.md). The
/// scheduler and the watch service start the binary that was installed; it starts the current release from
/// <c>versions/</c> when that is newer than itself, and watches a release on trial: one that crashes at start or whose
/// first real run fails is rolled back to the previous one at once, blocked, and reported in the next heartbeat.
/// Kept small and stable on purpose: an installed launcher is never replaced by an update.
/// </summary>
public sealed class Launcher(InstallLayout layout, Func<string[], Task<int>> runHere, Func<string, string[], InstallLayout, int>? startRelease = null)
{
    /// <summary>Commands that run from the launcher itself: they register it (install) or remove it (uninstall).</summary>
    private static readonly string[] LauncherOnly = [CommandNames.Install, CommandNames.Uninstall];

    /// <summary>Commands whose end says whether a release works: a run, a watch.</summary>
    private static readonly string[] Proving = [CommandNames.Run, CommandNames.Watch];

    private readonly Func<string, string[], InstallLayout, int> _startRelease = startRelease ?? StartRelease;

    /// <summary>What <c>Main</c> calls: a release started by a launcher runs itself; an installed binary launches.</summary>
    public static Task<int> MainAsync(string[] args, Func<string[], Task<int>> runHere) =>
        InstallLayout.IsLaunchedRelease
            ? runHere(args)
            : new Launcher(InstallLayout.ForLauncher(Installation.Installer.OwnExecutable()), runHere).RunAsync(args);

    public async Task<int> RunAsync(string[] args)
    {
        var command = CommandOf(args);
        if (command is null || LauncherOnly.Contains(command))
        {
            return await runHere(args);
        }

        var proving = Proving.Contains(command);
        while (true)
        {
            var state = LauncherState.Load(layout);
            var release = ReleaseToStart(state);
            if (release is null)
            {
                var exit = await runHere(args);
                if (exit == ExitCodes.Updated && command == CommandNames.Watch)
                {
                    continue; // a watch that updated itself goes on as the new release
                }

                return exit;
            }

            var onTrial = state.Trial && proving;
            if (onTrial)
            {
                File.Delete(layout.StartedMarkerOf(release));
            }

            var code = _startRelease(layout.BinaryOf(release), args, layout);
            if (onTrial)
            {
                if (IsBrokenBinary(code))
                {
                    RollBack(release, File.Exists(layout.StartedMarkerOf(release)) ? UpdateFailureCodes.FirstRunFailed : UpdateFailureCodes.CrashedAtStart);
                    continue; // the previous release (or whatever another process made current meanwhile) runs this run: the data still goes out today
                }

                if (code != ExitCodes.Busy)
                {
                    // It ran: a database or network failure is not the binary's fault. Read again under the lock: the
                    // release wrote to the state while it ran, and another process may have moved on since.
                    LauncherState.Update(layout, now =>
                    {
                        if (now.Current != release || !now.Trial)
                        {
                            return false;
                        }

                        now.Trial = false;
                        return true;
                    });
                }
            }

            if (code == ExitCodes.Updated && command == CommandNames.Watch)
            {
                continue;
            }

            return code;
        }
    }

    /// <summary>
    /// True for the exits that mean the binary itself is broken: an unexpected failure (1, also what a command line it
    /// does not understand gives), a crash (128 + the signal on Linux: 134 for .NET's abort on an unhandled exception,
    /// 139 for a segfault) or a negative NTSTATUS / .NET host error on Windows (0xE0434352, 0x8000808x). A data failure
    /// (database down, network, token, disk full, a refused definition, config: 2 to 10) says nothing against the
    /// binary, and codes up to 127 are left to later releases' categories, which this launcher must not mistake for crashes.
    /// </summary>
    public static bool IsBrokenBinary(int exitCode) => exitCode == ExitCodes.Unexpected || exitCode < ExitCodes.Ok || exitCode >= 128;

    /// <summary>The release to start, or null to run here: the current one when it is there, newer than this binary and not blocked.</summary>
    public string? ReleaseToStart(LauncherState state) =>
        state.Current is { } current
        && ReleaseVersions.Compare(current, BackendClient.Version) > 0
        && !state.IsBlocked(current)
        && File.Exists(layout.BinaryOf(current))
            ? current
            : null;

    /// <summary>
    /// The command in <paramref name="args"/> (the first word that is not an option or an option's value), or null.
    /// Only <c>--config</c> takes a value before the command.
    /// </summary>
    public static string? CommandOf(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                i++;
            }
            else if (!args[i].StartsWith('-'))
            {
                return args[i];
            }
        }

        return null;
    }

    /// <summary>
    /// Rolls <paramref name="release"/> back, under the state lock and only while it is still current on trial: a watch
    /// and a run whose trial release both failed roll back once (a second rollback would swap past the previous release),
    /// and a release another process made current since is left to its own trial.
    /// </summary>
    private void RollBack(string release, string reason)
    {
        string? back = null;
        var rolledBack = false;
        LauncherState.Update(layout, state =>
        {
            if (state.Current != release || !state.Trial)
            {
                return false;
            }

            back = state.Previous;
            state.Blocked[release] = DateTimeOffset.UtcNow;
            state.Current = back;
            state.Previous = null;
            state.Trial = false;
            state.Tell(new UpdateReportDto(UpdateStates.RolledBack, release, back ?? BackendClient.Version, reason, DateTimeOffset.UtcNow));
            rolledBack = true;
            return true;
        });
        if (!rolledBack)
        {
            return;
        }

        Console.Error.WriteLine(UpdateMessages.RolledBack(release, back ?? BackendClient.Version, reason));
        try
        {
            Directory.Delete(layout.VersionDirectory(release), recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Blocked is what matters; the folder goes with the next update's clean-up.
        }
    }

    /// <summary>Starts a release with the same arguments and this console, and waits for it.</summary>
    private static int StartRelease(string binary, string[] args, InstallLayout layout)
    {
        var start = new ProcessStartInfo(binary) { UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment[InstallLayout.LauncherVariable] = layout.LauncherPath;
        start.Environment[ReleaseIdentity.Variable] = Path.GetFileName(Path.GetDirectoryName(binary));
        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1; // cannot even start: a broken binary
        }
    }
}
