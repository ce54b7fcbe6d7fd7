using Demo;
using LocalInfra;

namespace Demo.Tests;

public class SnapshotProgressTests
{
    private static SnapshotRow Row(string status, long? inserted = null, long? updated = null, long? deleted = null) =>
        new(Guid.NewGuid(), "2611606", "hipertensos", status, inserted, updated, deleted, 0, null, null, null, null, 1);

    [Theory]
    [InlineData("received", "queued")]
    [InlineData("queued", "queued")]
    [InlineData("loading", "loading")]
    [InlineData("failed", "failed")]
    [InlineData("rejected", "rejected")]
    public void A_cell_says_the_snapshot_status(string status, string cell) => Assert.Equal(cell, SnapshotProgress.CellState(Row(status)));

    [Fact]
    public void A_loaded_cell_says_how_many_rows_it_wrote() =>
        Assert.Equal("loaded +7", SnapshotProgress.CellState(Row("loaded", inserted: 4, updated: 2, deleted: 1)));
}
