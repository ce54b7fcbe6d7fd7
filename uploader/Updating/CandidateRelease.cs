using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Updating;

/// <summary>
/// A release being tried before it is current: the self-update runs the downloaded binary's own <c>doctor</c> with the
/// launcher's variables set (<see cref="SelfUpdate"/>), while <c>versions/state.json</c> still names the running release.
/// Such a doctor sends no heartbeat (docs/adr/0027, decision 4): the fleet view takes a site's version from its last
/// heartbeat, and a candidate that may never become current must not show there as the site's version. Its verdict
/// reaches the fleet anyway, in the next run's heartbeat (<c>update</c>: updated, or update-failed with doctor-failed).
/// Told from the state rather than from a variable of its own so that the doctor run by a release without this code
/// (the one updating to this one) is recognised too.
/// </summary>
public static class CandidateRelease
{
    /// <summary>True when this process is a release the launcher's state does not name current.</summary>
    public static bool IsThisProcess() =>
        InstallLayout.IsLaunchedRelease && LauncherState.Load(InstallLayout.ForThisProcess()).Current != BackendClient.Version;
}
