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

    /// <summary>Held: applying it would delete more than the allowed share of the site's rows.</summary>
    public const string MassDeletion = "mass-deletion";

    /// <summary>Held: no rows while the site has rows (a PEC database mid-restore, the wrong database).</summary>
    public const string EmptySnapshot = "empty-snapshot";

    /// <summary>Rejected: an operator dropped it while it was held.</summary>
    public const string DroppedByOperator = "dropped-by-operator";

    /// <summary>Rejected: the list version it was checked against at ingest is no longer stored.</summary>
    public const string UnknownListVersion = "unknown-list-version";
    public const string LoadFailed = ProblemCodes.LoadFailed;

    /// <summary>Failed: the central database or storage failed during the load (retried).</summary>
    public const string Transient = "transient";

    /// <summary>Failed: the load took longer than Load:MaxLoadSeconds (retried).</summary>
    public const string LoadTimeout = "load-timeout";

    /// <summary>Failed: the load was stopped before it finished because the instance was shutting down (retried).</summary>
    public const string Cancelled = "cancelled";
}
