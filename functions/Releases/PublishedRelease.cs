using PecLists.Contracts;

namespace PecLists.Functions.Releases;

/// <summary>One published release: its signed manifest as published and the Blob it is served from.</summary>
public sealed record PublishedRelease(ReleaseManifestDto Manifest, string BlobName, DateTimeOffset PublishedAt, string PublishedBy)
{
    public string Runtime => Manifest.Runtime;

    public string Version => Manifest.Version;

    /// <summary>A manifest is served until (not at) its ExpiresAt: past it, a site could not act on it anyway.</summary>
    public bool IsExpired(DateTimeOffset now) => Manifest.ExpiresAt <= now;
}
