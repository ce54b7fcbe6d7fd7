namespace Ingest.Contracts;

/// <summary>
/// Snapshot ids are UUIDv7 made by the uploader from the extraction time (docs/design.md §3): time-ordered, and a
/// retried PUT carries the same id, so it is idempotent. The server checks the id's time against X-Extracted-At.
/// </summary>
public static class SnapshotIds
{
    /// <summary>A UUIDv7 for a snapshot extracted at <paramref name="extractedAt"/>.</summary>
    public static Guid New(DateTimeOffset extractedAt) => Guid.CreateVersion7(extractedAt);

    /// <summary>The millisecond Unix timestamp in the first 48 bits of a UUIDv7.</summary>
    public static DateTimeOffset Timestamp(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        return DateTimeOffset.FromUnixTimeMilliseconds(ms);
    }

    /// <summary>A version-7, RFC 9562-variant UUID.</summary>
    public static bool IsVersion7(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        return bytes[6] >> 4 == 7 && bytes[8] >> 6 == 0b10;
    }

    /// <summary>True when <paramref name="id"/> is a UUIDv7 made from <paramref name="extractedAt"/> (to the millisecond).</summary>
    public static bool Matches(Guid id, DateTimeOffset extractedAt) =>
        IsVersion7(id) && Timestamp(id).ToUnixTimeMilliseconds() == extractedAt.ToUnixTimeMilliseconds();
}
