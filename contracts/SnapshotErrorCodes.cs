namespace PecLists.Contracts;

/// <summary>
/// The stable <c>errorCode</c> of a snapshot that was not loaded (GET /api/v1/snapshots/{id}): why it was rejected
/// (permanent: fix the list or the data and send again), skipped, or failed (transient: retried).
/// </summary>
public static class SnapshotErrorCodes
{
    public const string DuplicateKey = "duplicate-key";
    public const string NullKey = "null-key";
    public const string SchemaMismatch = "schema-mismatch";
    public const string BadData = "bad-data";
    public const string BlobMissing = "blob-missing";
    public const string OlderSnapshot = "older-snapshot";
    public const string LoadFailed = ProblemCodes.LoadFailed;
}
