namespace PecLists.Contracts;

/// <summary>
/// Why a site is not delivering, one code shared by the uploader (heartbeat <c>errorCode</c>), the backend (fleet view,
/// telemetry dimension <c>category</c>) and the workbook. What an operator does about each: docs/failure-catalog.md.
/// A code here is a contract: never rename one, only add.
/// </summary>
public static class FailureCategories
{
    /// <summary>The backend could not be reached: DNS, connection refused or reset, timeouts.</summary>
    public const string Network = "network";

    /// <summary>A TLS handshake or certificate failed, or the configured proxy refused or could not be reached.</summary>
    public const string TlsProxy = "tls-proxy";

    /// <summary>The backend refused the site's token (wrong, revoked, or for another site).</summary>
    public const string Token = "token";

    /// <summary>The municipal PEC database could not be reached or refused the login.</summary>
    public const string SourceDatabase = "source-database";

    /// <summary>A list's query failed because a table, column or function it reads is missing (PEC version, damaged install).</summary>
    public const string SourceSchema = "source-schema";

    /// <summary>
    /// An HTTP list's API could not be read: unreachable, a 5xx, 408 or 429 still after the retries, a 4xx (401/403: the
    /// key in the site's secrets is wrong), an answer that is not JSON (an HTML maintenance page), a loop in its links.
    /// </summary>
    public const string SourceApi = "source-api";

    /// <summary>
    /// An HTTP list's API answered JSON of another shape than the definition reads: the rows are not an array, a row
    /// lacks a field, a value does not convert (text where a number was expected). The API changed: adapt the definition.
    /// </summary>
    public const string SourceShape = "source-shape";

    /// <summary>A list's query hit the configured statement timeout (locks, a busy server).</summary>
    public const string ExtractTimeout = "extract-timeout";

    /// <summary>The backend refused a snapshot for its content (4xx with a code that says so, e.g. bad-csv-header): it went to quarantine.</summary>
    public const string SnapshotRejected = "snapshot-rejected";

    /// <summary>
    /// The backend answered but could not take the snapshot now (5xx, 503 dependency-unavailable, 429), or refused it for a
    /// reason a resend can fix (bad-digest, unknown-list, a proxy's 4xx): it stays spooled.
    /// </summary>
    public const string BackendError = "backend-error";

    /// <summary>The spool disk has less free space than the uploader keeps free, or a write ran out of space.</summary>
    public const string DiskFull = "disk-full";

    /// <summary>The site's clock is off from the backend's by more than the allowed skew.</summary>
    public const string ClockSkew = "clock-skew";

    /// <summary>No heartbeat within the site's period plus grace: the machine, the scheduler or the uploader is off (dead-man's switch).</summary>
    public const string MachineOff = "machine-off";

    /// <summary>A list definition was not run because its signature is missing or does not verify with the pinned key.</summary>
    public const string DefinitionSignature = DefinitionCodes.Signature;

    /// <summary>The uploader's own config is missing or invalid.</summary>
    public const string Config = "config";

    /// <summary>A snapshot was accepted but its load failed centrally (after its retries).</summary>
    public const string LoadFailed = "load-failed";

    /// <summary>Anything else: the run log on the municipal server says what.</summary>
    public const string Unexpected = "unexpected";

    /// <summary>Every category, in the order the docs list them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        Network, TlsProxy, Token, SourceDatabase, SourceSchema, ExtractTimeout, SourceApi, SourceShape, SnapshotRejected, BackendError, DiskFull,
        ClockSkew, MachineOff, DefinitionSignature, Config, LoadFailed, Unexpected,
    ];

    /// <summary>Skew beyond this is reported as <see cref="ClockSkew"/> (tokens, TLS and snapshot ids depend on the clock).</summary>
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);
}
