namespace PecLists.Contracts;

/// <summary>
/// The stable <c>code</c> member of every problem+json answer (RFC 9457) of wire contract v1 (docs/design.md §3).
/// Clients branch on these, never on titles or details; a code, once published, keeps its meaning.
/// </summary>
public static class ProblemCodes
{
    // Snapshot upload (PUT /api/v1/lists/{list}/snapshots/{snapshotId}).
    public const string UnknownList = "unknown-list";
    public const string BadSnapshotId = "bad-snapshot-id";
    public const string UnsupportedEncoding = "unsupported-encoding";
    public const string BadDigest = "bad-digest";
    public const string BadExtractedAt = "bad-extracted-at";
    public const string LengthRequired = "length-required";
    public const string TooLarge = "too-large";
    public const string BadGzip = "bad-gzip";
    public const string BadEncoding = "bad-encoding";
    public const string BadCsvHeader = "bad-csv-header";
    public const string SnapshotConflict = "snapshot-conflict";

    // Snapshot upload: what the delivery holds (X-Delivery, X-Cursor; docs/adr/0022-list-definitions-beyond-one-query.md).

    /// <summary>X-Delivery is not one of <see cref="DeliveryKinds.All"/>.</summary>
    public const string UnknownDeliveryKind = "unknown-delivery-kind";

    /// <summary>The list's mode does not take this kind of delivery (<see cref="DeliveryKinds.AllowedBy"/>).</summary>
    public const string DeliveryNotAllowed = "delivery-not-allowed";

    /// <summary>X-Cursor on a list that is not incremental, or with a delivery that carries no cursor (append, keyset).</summary>
    public const string UnexpectedCursor = "unexpected-cursor";

    /// <summary>A <see cref="DeliveryKinds.Changes"/> delivery without X-Cursor.</summary>
    public const string MissingCursor = "missing-cursor";

    /// <summary>X-Cursor is not a value of the list's cursor column type.</summary>
    public const string BadCursor = "bad-cursor";
    // Block upload (POST .../upload-session and .../commit, docs/adr/0021).

    /// <summary>A commit found blocks missing or of the wrong size: open a session again and send the ones it lists as missing.</summary>
    public const string UploadIncomplete = "upload-incomplete";

    /// <summary>The session or commit request's JSON is missing, malformed, or declares a length of 0 or less.</summary>
    public const string BadUploadSession = "bad-upload-session";

    // Reads and heartbeats.
    public const string UnknownSnapshot = "unknown-snapshot";
    public const string BadHeartbeat = "bad-heartbeat";
    public const string PersonalData = "personal-data";

    // Any route: credentials, limits, framing, routing.
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate-limited";

    /// <summary>The instance has no room to spool this upload now (429 with Retry-After): retry later, nothing was kept.</summary>
    public const string InsufficientStorage = "insufficient-storage";

    /// <summary>The central database or the storage account cannot be reached now (503 with Retry-After): retry later, nothing was kept.</summary>
    public const string DependencyUnavailable = "dependency-unavailable";
    public const string BadRequestBody = "bad-request-body";
    public const string RequestTimeout = "request-timeout";
    public const string NotFound = "not-found";
    public const string MethodNotAllowed = "method-not-allowed";

    // Releases (GET releases/manifest and releases/{version}/{runtime}).

    /// <summary>The runtime is not one of <see cref="ReleaseRuntimes"/> (400).</summary>
    public const string UnknownRuntime = "unknown-runtime";

    /// <summary>No release for this site now (404): none rolled out to it, the rollout is halted, or its manifest expired. Nothing to do.</summary>
    public const string NoRelease = "no-release";

    /// <summary>No published release with this version for this runtime (404).</summary>
    public const string UnknownRelease = "unknown-release";

    // Operator API.
    public const string BadSite = "bad-site";
    public const string UnknownSite = "unknown-site";
    public const string UnknownToken = "unknown-token";
    public const string BadListDefinition = "bad-list-definition";
    public const string BadListSignature = "bad-list-signature";

    /// <summary>A list version that would change a stored version, the key, or a column's type (docs/design.md §5).</summary>
    public const string ListVersionConflict = "list-version-conflict";

    /// <summary>No held snapshot with that id (unknown, or already applied or dropped).</summary>
    public const string NotHeld = "not-held";
    public const string BadReplaySource = "bad-replay-source";

    // The queue-invoked load function (seen by the Functions host, which retries non-2xx and then poisons).
    public const string MalformedLoadMessage = "malformed-load-message";
    public const string LoadFailed = "load-failed";

    /// <summary>Any other HTTP status the routing layer answers by itself.</summary>
    public static string ForStatus(int status) => status switch
    {
        404 => NotFound,
        405 => MethodNotAllowed,
        _ => $"http-{status}",
    };
}
