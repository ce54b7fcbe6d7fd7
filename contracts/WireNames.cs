namespace PecLists.Contracts;

/// <summary>HTTP header names and media types of wire contract v1 (docs/design.md §3).</summary>
public static class WireNames
{
    public const string ContentDigestHeader = "Content-Digest";
    public const string ExtractedAtHeader = "X-Extracted-At";

    /// <summary>What a delivery holds (<see cref="DeliveryKinds"/>); absent means a whole snapshot.</summary>
    public const string DeliveryHeader = "X-Delivery";

    /// <summary>An incremental delivery's cursor: the highest cursor value among its rows (ISO 8601), kept by the backend as the acknowledged watermark.</summary>
    public const string CursorHeader = "X-Cursor";

    /// <summary>
    /// On a release manifest answer (GET releases/manifest, unsigned): the version this site rolled back (or failed) and the
    /// operator cleared since, so the uploader may try it again. Present only when the served manifest's version is that
    /// version and the clearance is newer than the site's last report blocking it (docs/adr/0026-uploader-releases-and-rollout.md).
    /// </summary>
    public const string ReleaseClearedHeader = "X-Release-Cleared";
    public const string GzipEncoding = "gzip";
    public const string CsvMediaType = "text/csv";
    public const string ProblemMediaType = "application/problem+json";
}
