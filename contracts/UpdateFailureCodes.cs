namespace PecLists.Contracts;

/// <summary>
/// Why an update did not happen or was undone (the heartbeat's <c>update.reason</c>): a fixed code, never an exception
/// message. The threats follow The Update Framework's list (theupdateframework.io/docs/security).
/// </summary>
public static class UpdateFailureCodes
{
    /// <summary>The download failed or was cut short (network, HTTP error).</summary>
    public const string DownloadFailed = "download-failed";

    /// <summary>The downloaded file's size is not the manifest's (truncated or padded).</summary>
    public const string SizeMismatch = "size-mismatch";

    /// <summary>The downloaded file's SHA-256 is not the manifest's (tampered).</summary>
    public const string DigestMismatch = "digest-mismatch";

    /// <summary>The manifest's signature does not verify with any trusted release key.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The manifest expired: a store holding back newer releases (freeze) cannot keep a site on an old one silently.</summary>
    public const string ManifestExpired = "manifest-expired";

    /// <summary>The manifest names a version lower than one this site already ran (rollback attack).</summary>
    public const string ReleaseRollback = "release-rollback";

    /// <summary>The manifest is for another runtime than this site's.</summary>
    public const string WrongRuntime = "wrong-runtime";

    /// <summary>The new binary did not pass <c>doctor</c> before becoming current.</summary>
    public const string DoctorFailed = "doctor-failed";

    /// <summary>The new binary crashed (or exited with a start-up failure) when first launched.</summary>
    public const string CrashedAtStart = "crashed-at-start";

    /// <summary>The new binary started but its first real run failed.</summary>
    public const string FirstRunFailed = "first-run-failed";

    /// <summary>This version was rolled back here before; it is not tried again until the operator clears it.</summary>
    public const string VersionBlocked = "version-blocked";
}
