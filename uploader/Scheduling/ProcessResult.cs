namespace PecLists.Uploader.Scheduling;

/// <summary>How a scheduler tool ended: its exit code and what it wrote (empty when not read in time).</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);
