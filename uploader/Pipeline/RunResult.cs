namespace PecLists.Uploader.Pipeline;

/// <summary>A whole run: the exit code (the first site's failure, else 0), each site's result and every event told.
/// <c>Updated</c>: after delivering, the run installed a newer release of the uploader (docs/adr/0027).</summary>
public sealed record RunResult(int ExitCode, IReadOnlyList<SiteRunResult> Sites, IReadOnlyList<RunEvent> Events, bool Updated = false);
