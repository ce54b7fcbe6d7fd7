namespace PecLists.Functions.Releases;

/// <summary>What became of a <c>releases publish</c>; every refusal leaves nothing registered (an uploaded blob is harmless: nothing serves it).</summary>
public enum ReleasePublishVerdict
{
    /// <summary>A new release is registered (its binary in Blob storage, its manifest in the database).</summary>
    Published,

    /// <summary>A published release's manifest was replaced by a later signing of the same build (a new expiry).</summary>
    Resigned,

    /// <summary>The manifest's version, runtime, size, digest or times are not well formed.</summary>
    BadManifest,

    /// <summary>No release public key is configured (Releases:SigningPublicKeys): the backend takes no release it cannot check.</summary>
    NoKey,

    /// <summary>The signature does not verify with any configured release key.</summary>
    BadSignature,

    /// <summary>The manifest already expired.</summary>
    Expired,

    /// <summary>The binary's size or SHA-256 is not the manifest's (or a new release came without its binary).</summary>
    BinaryMismatch,

    /// <summary>The version is not above every published one for the runtime (or is that version with another build, or an older signing).</summary>
    NotHigher,
}
