namespace PecLists.Contracts;

/// <summary>
/// What a release signature covers: one uploader build for one runtime, its size and SHA-256, when it was signed, until
/// when a site may act on it (a manifest held back past this time is refused: the "freeze" attack), and the release keys
/// the signer vouches for (rotation without reinstalling). Serialised only through <see cref="ContractsJsonContext"/>.
/// </summary>
public sealed record SignedReleaseContent(
    string Version,
    string Runtime,
    long Size,
    string Sha256,
    DateTimeOffset SignedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string>? TrustedKeys);
