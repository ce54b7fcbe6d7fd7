using PecLists.Contracts;
using PecLists.Functions.Commands;
using PecLists.Functions.Snapshots;

namespace PecLists.Functions.Tests.Snapshots;

/// <summary>The fleet's colour and category rules (docs/failure-catalog.md "Status colour"), at their thresholds.</summary>
public sealed class SiteConditionTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
    private static readonly FleetOptions Daily = new() { ExpectedEveryHours = 24, GraceHours = 6 };

    private static (string? Category, string Status) Classify(
        double? heartbeatHoursAgo, string? outcome = "ok", string? errorCode = null, double? skew = 0, string[]? newest = null, long held = 0, double? tokenRefusedHoursAgo = null) =>
        SiteCondition.Classify(Now, heartbeatHoursAgo is { } h ? Now.AddHours(-h) : null, outcome, errorCode, skew, newest ?? [SnapshotStatuses.Loaded], held, Daily,
            tokenRefusedHoursAgo is { } t ? Now.AddHours(-t) : null);

    [Fact]
    public void A_recent_good_run_is_green_and_past_the_period_amber_and_past_the_grace_machine_off()
    {
        Assert.Equal((null, SiteCondition.Green), Classify(1));
        Assert.Equal((null, SiteCondition.Amber), Classify(25));
        Assert.Equal((null, SiteCondition.Amber), Classify(29.9));
        Assert.Equal((FailureCategories.MachineOff, SiteCondition.Red), Classify(30.1));
        Assert.Equal((FailureCategories.MachineOff, SiteCondition.Red), Classify(null));
    }

    [Fact]
    public void A_failed_run_is_red_with_its_category_and_codes_from_older_uploaders_are_mapped()
    {
        Assert.Equal((FailureCategories.SourceSchema, SiteCondition.Red), Classify(1, "failed", FailureCategories.SourceSchema));
        Assert.Equal((FailureCategories.SourceDatabase, SiteCondition.Red), Classify(1, "failed", "database"));
        Assert.Equal((FailureCategories.SnapshotRejected, SiteCondition.Red), Classify(1, "failed", "rejected"));
        Assert.Equal((FailureCategories.Unexpected, SiteCondition.Red), Classify(1, "failed", "something-new"));
    }

    [Fact]
    public void Clock_skew_past_five_minutes_is_amber_and_held_snapshots_amber_and_a_rejected_newest_snapshot_red()
    {
        Assert.Equal((null, SiteCondition.Green), Classify(1, skew: 299));
        Assert.Equal((FailureCategories.ClockSkew, SiteCondition.Amber), Classify(1, skew: -301));
        Assert.Equal((null, SiteCondition.Amber), Classify(1, held: 1));
        Assert.Equal((FailureCategories.SnapshotRejected, SiteCondition.Red), Classify(1, newest: [SnapshotStatuses.Loaded, SnapshotStatuses.Rejected]));
        Assert.Equal((FailureCategories.LoadFailed, SiteCondition.Red), Classify(1, newest: [SnapshotStatuses.Failed]));
    }

    [Fact]
    public void A_revoked_token_refused_after_the_last_heartbeat_is_red_token_and_one_refused_before_it_is_forgotten()
    {
        Assert.Equal((FailureCategories.Token, SiteCondition.Red), Classify(5, tokenRefusedHoursAgo: 1));
        Assert.Equal((FailureCategories.Token, SiteCondition.Red), Classify(null, tokenRefusedHoursAgo: 1));
        Assert.Equal((null, SiteCondition.Green), Classify(1, tokenRefusedHoursAgo: 5));
    }

    [Fact]
    public void The_fleet_table_shows_ages_per_list_and_counts_colours()
    {
        var site = new FleetSite("2611606", "Recife", SiteCondition.Red, FailureCategories.Network, Now.AddMinutes(-5), "failed", "network", "1.2.0", 0.3, 0.1,
            Now.AddMinutes(-5), SnapshotStatuses.Loaded, new Dictionary<string, DateTimeOffset?> { ["diabeticos"] = Now.AddHours(-3), ["hipertensos"] = null }, 0, string.Empty);

        var table = FleetTable.Render([site], Now).Split('\n');

        Assert.Equal(["site", "name", "status", "category", "heartbeat", "uploader", "update", "diabeticos", "hipertensos", "held", "unreported"], table[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["2611606", "Recife", "red", "network", "5m", "1.2.0", "-", "3h", "never", "-", "-"], table[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("1 sites: 0 green, 0 amber, 1 red", table[^1]);

        // Back after three days cut off: green now, and the runs that could not report say why it was silent.
        var back = site with { Status = SiteCondition.Green, Category = null, UnreportedRuns = 3, UnreportedCategory = FailureCategories.Network, UnreportedSince = Now.AddDays(-3) };
        Assert.EndsWith(" 3 (network, since 3d)", FleetTable.Render([back], Now).Split('\n')[1], StringComparison.Ordinal);

        // A site that rolled a release back says which, why and when (docs/adr/0026-uploader-releases-and-rollout.md).
        var rolledBack = site with { UpdateState = UpdateStates.RolledBack, UpdateVersion = "1.3.0", UpdateReason = UpdateFailureCodes.CrashedAtStart, UpdateReceivedAt = Now.AddHours(-2) };
        var row = FleetTable.Render([rolledBack], Now).Split('\n')[1];
        Assert.Contains(" rolled-back 1.3.0 (crashed-at-start, 2h) ", row, StringComparison.Ordinal);
        Assert.True(row.IndexOf("1.2.0", StringComparison.Ordinal) < row.IndexOf("rolled-back", StringComparison.Ordinal), row);
    }

    [Fact]
    public void The_fleet_table_shows_how_long_the_oldest_held_snapshot_has_waited()
    {
        var site = new FleetSite("2611606", "Recife", SiteCondition.Amber, null, Now.AddMinutes(-5), "ok", null, "1.2.0", 0, 0.1,
            Now.AddMinutes(-5), SnapshotStatuses.Held, new Dictionary<string, DateTimeOffset?>(), 2, "diabeticos", HeldSince: Now.AddDays(-5));

        Assert.EndsWith("  2 (5d)  -", FleetTable.Render([site], Now).Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Unreported_runs_are_explained_by_the_newest_failure_among_them()
    {
        var at = Now.AddDays(-2);
        Assert.Null(SiteCondition.UnreportedCategory([]));
        Assert.Null(SiteCondition.UnreportedCategory([new UnreportedRun(at, "ok")]));
        Assert.Equal(FailureCategories.TlsProxy, SiteCondition.UnreportedCategory([
            new UnreportedRun(at, "failed", FailureCategories.Network), new UnreportedRun(at.AddDays(1), "failed", FailureCategories.TlsProxy), new UnreportedRun(at.AddDays(1.5), "ok")]));
        Assert.Equal(FailureCategories.SourceDatabase, SiteCondition.UnreportedCategory([new UnreportedRun(at, "failed", "database")])); // a 1.x code, mapped
    }
}
