using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>
/// Which snapshots to replay: every filter is optional; the window is on the snapshot's extraction time.
/// <c>IncludeRejected</c> (blobs only) gives rejected snapshots another load, e.g. once the cause on the server is fixed;
/// snapshots an operator dropped stay dropped.
/// </summary>
public sealed record ReplayFilter(string? Site = null, string? List = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null, bool IncludeRejected = false)
{
    public bool Matches(SnapshotReference message) =>
        (Site is null || message.Site == Site)
        && (List is null || message.List == List)
        && (Since is null || message.ExtractedAt >= Since)
        && (Until is null || message.ExtractedAt < Until);
}
