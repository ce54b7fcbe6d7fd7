namespace PecLists.Contracts;

/// <summary>
/// Snapshot ids are UUIDv7 made by the uploader from the extraction time (docs/design.md §3): time-ordered, and a
/// retried PUT carries the same id, so it is idempotent. The server checks the id's time against X-Extracted-At.
/// </summary>
public static class SnapshotIds
{
    /// <summary>A UUIDv7 for a snapshot extracted at <paramref name="extractedAt"/>.</summary>
    public static Guid New(DateTimeOffset extractedAt) => Guid.CreateVersion7(extractedAt);

    /// <summary>The time in a UUIDv7 made by <see cref="New"/> (to the millisecond).</summary>
    public static DateTimeOffset Timestamp(Guid id) => DateTimeOffset.FromUnixTimeMilliseconds(UnixMilliseconds(id));

    /// <summary>The first 48 bits of a UUID: a UUIDv7's Unix milliseconds (any 48-bit value: may exceed year 9999).</summary>
    public static long UnixMilliseconds(Guid id)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes, bigEndian: true, out _);
        long ms = 0;
        for (var i = 0; i < 6; i++)
        {
            ms = (ms << 8) | bytes[i];
        }

        return ms;
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
        IsVersion7(id) && UnixMilliseconds(id) == extractedAt.ToUnixTimeMilliseconds();
}
