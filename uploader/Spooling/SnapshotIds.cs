namespace Ingest.Uploader.Spooling;

public static class SnapshotIds
{
    /// <summary>A UUIDv7 for a snapshot extracted now: time-ordered, made by the uploader, so a retried PUT is idempotent.</summary>
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
}
