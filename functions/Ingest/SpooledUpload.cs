namespace PecLists.Functions.Ingest;

/// <summary>
/// A snapshot's compressed body whole in the ingest spool at <paramref name="Path"/>, with what its sender declared:
/// the digest claimed, whether Content-Encoding said gzip (a commit never does: its magic bytes decide), what it delivers (kind, cursor and the
/// list's versions that take it), the site, the id and the extraction time.
/// </summary>
internal sealed record SpooledUpload(
    string Path,
    long Length,
    byte[] Sha256,
    byte[] ClaimedSha256,
    bool EncodingDeclared,
    Delivery Delivery,
    string Site,
    string List,
    Guid SnapshotId,
    DateTimeOffset ExtractedAt,
    string UserAgent);
