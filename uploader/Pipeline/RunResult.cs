namespace PecLists.Uploader.Pipeline;

/// <summary>A whole run: the exit code (the first site's failure, else 0), each site's result and every event told.</summary>
public sealed record RunResult(int ExitCode, IReadOnlyList<SiteRunResult> Sites, IReadOnlyList<RunEvent> Events);
