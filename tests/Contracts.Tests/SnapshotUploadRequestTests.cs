using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class SnapshotUploadRequestTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_whole_snapshot_carries_no_delivery_or_cursor_header_as_before_adr_0022()
    {
        using var request = SnapshotUploadRequest.Create("tok", "hipertensos", SnapshotIds.New(At), At, new ByteArrayContent([1]), "sha-256=:x:");

        Assert.False(request.Headers.Contains(WireNames.DeliveryHeader));
        Assert.False(request.Headers.Contains(WireNames.CursorHeader));
    }

    [Fact]
    public void A_delivery_kind_and_cursor_travel_in_their_headers()
    {
        using var request = SnapshotUploadRequest.Create("tok", "usuarios", SnapshotIds.New(At), At, new ByteArrayContent([1]), "sha-256=:x:", DeliveryKinds.Changes, "2026-12-07T11:59:00.000000Z");

        Assert.Equal([DeliveryKinds.Changes], request.Headers.GetValues(WireNames.DeliveryHeader));
        Assert.Equal(["2026-12-07T11:59:00.000000Z"], request.Headers.GetValues(WireNames.CursorHeader));
    }
}
