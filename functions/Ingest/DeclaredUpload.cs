using PecLists.Functions.Lists;

namespace PecLists.Functions.Ingest;

/// <summary>What a session or commit request declares of a snapshot sent as blocks (with its X-Delivery and X-Cursor, as a PUT), once checked.</summary>
internal sealed record DeclaredUpload(Guid SnapshotId, Delivery Delivery, byte[] Sha256, long Length, DateTimeOffset ExtractedAt)
{
    /// <summary>The list's versions that take this delivery, the active one first.</summary>
    public IReadOnlyList<ListDefinition> Versions => Delivery.Versions;
}
