using System.Globalization;
using System.Text;
using PecLists.Functions.Releases;

namespace PecLists.Functions.Commands;

/// <summary>
/// <c>releases status</c> as text: a summary line (the state, sites on the target version over sites offered it,
/// failures and their share) and one row per site (what it runs, what it is offered and why, its last update).
/// </summary>
public static class RolloutTable
{
    public static string Render(RolloutProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var text = new StringBuilder();
        var rollout = progress.Rollout;
        var stage = rollout is null ? "no rollout"
            : rollout.Halted ? "HALTED"
            : rollout.CanaryVersion is { } canary ? $"canary {canary} ({Canary(rollout)}), current {rollout.CurrentVersion ?? "none"}"
            : $"current {rollout.CurrentVersion ?? "none"}";
        text.AppendLine(CultureInfo.InvariantCulture, $"{progress.Runtime}: {stage}");
        if (progress.Target is { } target)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{target}: {progress.OnTarget}/{progress.TargetSites.Count} site(s) on it, {progress.Failed} failed or rolled back ({progress.FailureShare:P0}), {progress.TargetSites.Count(s => s.BlocksOffered)} blocking it");
        }

        string[] header = ["site", "name", "running", "offered", "why", "last update"];
        var rows = progress.Sites.Select(s => (string[])
        [
            s.Site,
            s.Name.Length > 20 ? s.Name[..19] + "…" : s.Name,
            s.Running ?? "-",
            s.Offered ?? "-",
            s.Why,
            s.UpdateState is null ? "-" : $"{s.UpdateState} {s.UpdateVersion}{(s.UpdateReason is { } r ? $" ({r})" : string.Empty)}{(s.BlocksOffered ? " BLOCKED" : string.Empty)}",
        ]).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        rows.ForEach(Line);
        return text.ToString().TrimEnd();
    }

    private static string Canary(RolloutState rollout) =>
        string.Join(" + ", new[]
        {
            rollout.CanarySites.Count > 0 ? string.Join(",", rollout.CanarySites) : null,
            rollout.CanaryPercent > 0 ? string.Create(CultureInfo.InvariantCulture, $"{rollout.CanaryPercent} %") : null,
        }.Where(p => p is not null));
}
