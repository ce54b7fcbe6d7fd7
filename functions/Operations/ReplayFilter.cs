using PecLists.Functions.Storage;

namespace PecLists.Functions.Operations;

/// <summary>Which snapshots to replay: every filter is optional; the window is on the snapshot's extraction time.</summary>
public sealed record ReplayFilter(string? Site = null, string? List = null, DateTimeOffset? Since = null, DateTimeOffset? Until = null)
{
    public bool Matches(LoadMessage message) =>
        (Site is null || message.Site == Site)
        && (List is null || message.List == List)
        && (Since is null || message.ExtractedAt >= Since)
        && (Until is null || message.ExtractedAt < Until);
}
