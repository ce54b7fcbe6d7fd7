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

    [Fact]
    public async Task An_unchanged_delivery_posts_its_claim_as_json_with_a_length_the_token_and_the_extraction_time_to_the_millisecond()
    {
        var id = SnapshotIds.New(At);

        using var request = SnapshotUploadRequest.CreateUnchanged("tok", "usuarios", id, At.AddTicks(1234567), new UnchangedDeliveryDto(3, 42, "d1g3st"));

        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"api/v1/lists/usuarios/snapshots/{id:D}/unchanged", request.RequestUri!.OriginalString);
        Assert.Equal("Bearer tok", request.Headers.Authorization!.ToString());
        Assert.Equal(["2026-12-07T12:00:00.123+00:00"], request.Headers.GetValues(WireNames.ExtractedAtHeader));
        Assert.Equal("application/json", request.Content!.Headers.ContentType!.MediaType);
        Assert.NotNull(request.Content.Headers.ContentLength); // the Functions host forwards a body only with a length
        Assert.Equal("""{"listVersion":3,"rows":42,"rowsDigest":"d1g3st"}""", await request.Content.ReadAsStringAsync());
    }
}
