using System.Globalization;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public class SnapshotIdsTests
{
    private static readonly DateTimeOffset Base = new(2025, 3, 14, 15, 9, 26, 535, TimeSpan.Zero);

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset t) =>
        DateTimeOffset.FromUnixTimeMilliseconds(t.ToUnixTimeMilliseconds());

    [Theory]
    [InlineData("2025-03-14T15:09:26.5358979+00:00")]
    [InlineData("2025-03-14T12:09:26.5358979-03:00")]
    [InlineData("1970-01-01T00:00:00.0000000+00:00")]
    [InlineData("2000-02-29T23:59:59.9999999+00:00")]
    [InlineData("2099-12-31T23:59:59.0010000+05:30")]
    public void New_round_trips_to_the_timestamp_at_millisecond_precision(string iso)
    {
        var t = DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture);
        var id = SnapshotIds.New(t);

        var back = SnapshotIds.Timestamp(id);

        Assert.Equal(7, id.Version);
        Assert.Equal(TruncateToMilliseconds(t), back);
        Assert.Equal(t.ToUnixTimeMilliseconds(), back.ToUnixTimeMilliseconds());
        Assert.Equal(TimeSpan.Zero, back.Offset);
    }

    [Fact]
    public void New_round_trips_many_random_instants()
    {
        var random = new Random(1234);
        for (var i = 0; i < 1_000; i++)
        {
            var t = Base.AddTicks(random.NextInt64(-TimeSpan.TicksPerDay * 365 * 30, TimeSpan.TicksPerDay * 365 * 30));
            Assert.Equal(TruncateToMilliseconds(t), SnapshotIds.Timestamp(SnapshotIds.New(t)));
        }
    }

    [Fact]
    public void Two_ids_for_the_same_instant_differ_but_share_the_timestamp()
    {
        var a = SnapshotIds.New(Base);
        var b = SnapshotIds.New(Base);

        Assert.NotEqual(a, b);
        Assert.Equal(SnapshotIds.Timestamp(a), SnapshotIds.Timestamp(b));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1_000)]
    [InlineData(86_400_000)]
    [InlineData(315_360_000_000)]
    public void An_id_made_later_sorts_later(long laterByMilliseconds)
    {
        var earlier = SnapshotIds.New(Base);
        var later = SnapshotIds.New(Base.AddMilliseconds(laterByMilliseconds));

        Assert.True(earlier.CompareTo(later) < 0, $"{earlier} should sort before {later}");
        Assert.True(string.CompareOrdinal(earlier.ToString("D"), later.ToString("D")) < 0, "file names should sort by time too");
    }

    [Fact]
    public void Sorting_ids_sorts_by_extraction_time()
    {
        var random = new Random(99);
        var instants = Enumerable.Range(0, 500)
            .Select(i => Base.AddMilliseconds((i * 7_919L) + random.Next(0, 7_000)))
            .ToList();
        var shuffled = instants.OrderBy(_ => random.Next()).ToList();
        var ids = shuffled.Select(SnapshotIds.New).ToList();

        var byGuid = ids.Order().Select(SnapshotIds.Timestamp).ToList();
        var byName = ids.OrderBy(id => id.ToString("D"), StringComparer.Ordinal).Select(SnapshotIds.Timestamp).ToList();

        var expected = instants.Order().Select(TruncateToMilliseconds).ToList();
        Assert.Equal(expected, byGuid);
        Assert.Equal(expected, byName);
    }

    [Fact]
    public void Matches_holds_for_the_extraction_time_it_was_made_from_and_no_other()
    {
        var id = SnapshotIds.New(Base);

        Assert.True(SnapshotIds.Matches(id, Base));
        Assert.True(SnapshotIds.Matches(id, Base.ToOffset(TimeSpan.FromHours(-3))));
        Assert.False(SnapshotIds.Matches(id, Base.AddMilliseconds(1)));
        Assert.False(SnapshotIds.Matches(id, Base.AddMinutes(-5)));
    }

    [Fact]
    public void Only_version_7_ids_match()
    {
        var v4 = Guid.NewGuid();

        Assert.False(SnapshotIds.IsVersion7(v4));
        Assert.False(SnapshotIds.Matches(v4, Base));
        Assert.False(SnapshotIds.Matches(Guid.Parse("ffffffff-ffff-7fff-bfff-ffffffffffff"), Base)); // a forged v7 beyond year 9999
        Assert.False(SnapshotIds.IsVersion7(Guid.Empty));
        Assert.True(SnapshotIds.IsVersion7(SnapshotIds.New(Base)));
    }
}
