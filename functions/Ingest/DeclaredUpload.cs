using PecLists.Functions.Lists;

namespace PecLists.Functions.Ingest;

/// <summary>What a session or commit request declares of a snapshot sent as blocks, once checked.</summary>
internal sealed record DeclaredUpload(Guid SnapshotId, IReadOnlyList<ListDefinition> Versions, byte[] Sha256, long Length, DateTimeOffset ExtractedAt);
