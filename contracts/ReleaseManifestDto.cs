namespace PecLists.Contracts;

/// <summary>
/// The signed manifest of one uploader release for one runtime (GET <see cref="ApiRoutes.ReleaseManifest"/>): which
/// version a site should run, the binary's size and SHA-256 (lowercase hex), the signing and expiry times, the release
/// keys the signer vouches for (base64 SubjectPublicKeyInfo; null when the key set does not change), and the offline
/// signature over <see cref="SignedReleaseContent"/> (see <see cref="ReleaseSignature"/>) with the id of the key that
/// made it. The backend chooses which manifest a site gets (rollout, pin); it cannot make one: it has no private key.
/// </summary>
public sealed record ReleaseManifestDto(
    string Version,
    string Runtime,
    long Size,
    string Sha256,
    DateTimeOffset SignedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? TrustedKeys = null,
    string? Signature = null,
    string? KeyId = null);
