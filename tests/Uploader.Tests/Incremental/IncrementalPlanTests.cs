using PecLists.Contracts;
using PecLists.Uploader.Incremental;

namespace PecLists.Uploader.Tests.Incremental;

public sealed class IncrementalPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private static readonly IncrementalDto Settings = new("updated_at", LookbackSeconds: 300, KeySetEveryHours: 24);

    [Fact]
    public void No_acknowledged_cursor_reads_the_whole_list_without_a_key_set()
    {
        var plan = IncrementalPlan.For(Settings, new ListCursorDto("l", null, null, null, null), Now, null);

        Assert.Equal((DeliveryKinds.Snapshot, (CursorValue?)null, false), (plan.Read.Kind, plan.Read.Since, plan.KeySet));
    }

    [Fact]
    public void An_acknowledged_cursor_reads_the_changes_since_it_minus_the_lookback()
    {
        var plan = IncrementalPlan.For(Settings, new ListCursorDto("l", "2026-12-07T11:58:00.000000Z", Guid.NewGuid(), Now, Now.AddHours(-1)), Now, null);

        Assert.Equal(DeliveryKinds.Changes, plan.Read.Kind);
        Assert.Equal("2026-12-07T11:53:00.000000Z", plan.Read.Since.ToString());
        Assert.Equal("2026-12-07T11:58:00.000000Z", plan.Acknowledged.ToString());
        Assert.False(plan.KeySet, "the key set loaded an hour ago is not due");
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(-25, null, true)]
    [InlineData(-23, null, false)]
    [InlineData(-25, -2, false)]
    [InlineData(null, -23, false)]
    public void A_key_set_is_read_when_the_last_one_loaded_or_accepted_is_older_than_its_period(int? loadedHoursAgo, int? acceptedHoursAgo, bool due)
    {
        var acknowledged = new ListCursorDto("l", "2026-12-07T11:58:00Z", Guid.NewGuid(), Now, loadedHoursAgo is { } l ? Now.AddHours(l) : null);

        var plan = IncrementalPlan.For(Settings, acknowledged, Now, acceptedHoursAgo is { } a ? Now.AddHours(a) : null);

        Assert.Equal(due, plan.KeySet);
    }

    [Fact]
    public void A_hostile_cursor_from_the_backend_is_refused_before_anything_is_read()
    {
        var hostile = new ListCursorDto("l", "2026-01-01'::timestamptz; DELETE FROM usuarios; --", null, null, null);

        Assert.Throws<UnreadableCursorException>(() => IncrementalPlan.For(Settings, hostile, Now, null));
    }
}
