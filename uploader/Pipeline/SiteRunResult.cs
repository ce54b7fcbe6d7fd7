using PecLists.Contracts;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// How one site's run ended: its exit code, the failure category its heartbeat reported (null when it went well), the
/// definitions not run for their signature, and whether the heartbeat reached the backend.
/// </summary>
public sealed record SiteRunResult(string Site, int ExitCode, string? FailureCategory, IReadOnlyList<RefusedDefinition> Refused, bool HeartbeatDelivered);
