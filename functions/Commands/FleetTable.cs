using System.Globalization;
using System.Text;
using PecLists.Contracts;
using PecLists.Functions.Snapshots;

namespace PecLists.Functions.Commands;

/// <summary>
/// The fleet grid as text: one row per site with its status, failure category, last heartbeat, uploader version, last
/// self-update (state, version, reason, age) and how
/// long ago each list last loaded, its held snapshots (how many, and how long the oldest has waited), and the runs before the last heartbeat that could not report (how many, why, since
/// when: a site cut off rather than switched off). Ages, not timestamps: "3h" reads faster than a date when scanning 650 rows.
/// </summary>
public static class FleetTable
{
    public static string Render(IReadOnlyList<FleetSite> sites, DateTimeOffset now)
    {
        var lists = sites.SelectMany(s => s.LastLoadedByList.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        string[] header = ["site", "name", "status", "category", "heartbeat", "uploader", "update", .. lists, "held", "unreported"];
        var rows = sites.Select(s => (string[])
        [
            s.Ibge,
            s.Name.Length > 20 ? s.Name[..19] + "…" : s.Name,
            s.Status,
            s.Category ?? "-",
            Age(now, s.LastHeartbeatAt),
            s.UploaderVersion ?? "-",
            Update(s, now),
            .. lists.Select(l => s.LastLoadedByList.TryGetValue(l, out var at) ? Age(now, at) : "-"),
            s.HeldSnapshots == 0 ? "-" : $"{s.HeldSnapshots.ToString(CultureInfo.InvariantCulture)} ({Age(now, s.HeldSince)})",
            s.UnreportedRuns == 0 ? "-" : $"{s.UnreportedRuns} ({s.UnreportedCategory ?? RunOutcomes.Ok}, since {Age(now, s.UnreportedSince)})",
        ]).ToList();

        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Select(r => r[i].Length).DefaultIfEmpty(0).Max())).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        rows.ForEach(Line);
        text.Append(CultureInfo.InvariantCulture, $"{sites.Count} sites: {sites.Count(s => s.Status == SiteCondition.Green)} green, {sites.Count(s => s.Status == SiteCondition.Amber)} amber, {sites.Count(s => s.Status == SiteCondition.Red)} red");
        return text.ToString();
    }

    /// <summary>"rolled-back 1.4.0 (crashed-at-start, 3h)", "updated 1.4.0 (2d)", or "-" when the site never reported one.</summary>
    public static string Update(FleetSite site, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(site);
        return site.UpdateState is not { } state
            ? "-"
            : $"{state} {site.UpdateVersion} ({(site.UpdateReason is { } reason ? reason + ", " : string.Empty)}{Age(now, site.UpdateReceivedAt)})";
    }

    /// <summary>"never", "45s", "12m", "5h", "3d".</summary>
    public static string Age(DateTimeOffset now, DateTimeOffset? at) => at is not { } when
        ? "never"
        : (now - when) switch
        {
            var d when d.TotalMinutes < 1 => $"{Math.Max(0, (int)d.TotalSeconds)}s",
            var d when d.TotalHours < 1 => $"{(int)d.TotalMinutes}m",
            var d when d.TotalDays < 2 => $"{(int)d.TotalHours}h",
            var d => $"{(int)d.TotalDays}d",
        };
}
