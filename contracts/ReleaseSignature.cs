using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PecLists.Contracts;

/// <summary>
/// The offline signature of an uploader release, shared by the signer (functions CLI, on the operator's machine) and the
/// verifier (the uploader) so both read the same bytes: ECDSA P-256 with SHA-256 in IEEE P1363 form, base64, over
/// <see cref="Purpose"/> followed by the UTF-8 JSON of <see cref="SignedReleaseContent"/>, exactly like list definitions
/// (<see cref="ListDefinitionSignature"/>, docs/adr/0010 and 0016) but with its own purpose line, so a list signature
/// never verifies as a release nor the reverse.
/// </summary>
public static class ReleaseSignature
{
    /// <summary>Domain separation: a signature made for anything else never verifies as a release.</summary>
    public const string Purpose = "pec-uploader/release/v1\n";

    /// <summary>The exact bytes signed: the purpose line, then the manifest's fields (not its signature) as JSON.</summary>
    public static byte[] CanonicalBytes(ReleaseManifestDto manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var content = new SignedReleaseContent(
            manifest.Version, manifest.Runtime, manifest.Size, manifest.Sha256.ToLowerInvariant(),
            manifest.SignedAt.ToUniversalTime(), manifest.ExpiresAt.ToUniversalTime(), manifest.TrustedKeys);
        var json = JsonSerializer.SerializeToUtf8Bytes(content, ContractsJsonContext.Default.SignedReleaseContent);
        return [.. Encoding.UTF8.GetBytes(Purpose), .. json];
    }

    /// <summary>
    /// <paramref name="manifest"/> signed with a P-256 private key: the times truncated to the second, the digest in
    /// lowercase, <c>Signature</c> and <c>KeyId</c> set.
    /// </summary>
    public static ReleaseManifestDto Sign(ReleaseManifestDto manifest, ECDsa privateKey)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(privateKey);
        ListDefinitionSignature.RequireP256(privateKey);
        var normalised = manifest with
        {
            Sha256 = manifest.Sha256.ToLowerInvariant(),
            SignedAt = DateTimeOffset.FromUnixTimeSeconds(manifest.SignedAt.ToUnixTimeSeconds()),
            ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(manifest.ExpiresAt.ToUnixTimeSeconds()),
            Signature = null,
            KeyId = null,
        };
        var signature = privateKey.SignData(CanonicalBytes(normalised), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var keyId = ListDefinitionSignature.KeyId(privateKey.ExportSubjectPublicKeyInfo());
        return normalised with { Signature = Convert.ToBase64String(signature), KeyId = keyId };
    }

    /// <summary>True only when <paramref name="manifest"/> carries a signature of its fields that this public key (SubjectPublicKeyInfo DER) verifies.</summary>
    public static bool Verify(ReleaseManifestDto manifest, ReadOnlySpan<byte> publicKey) =>
        manifest is { Signature: { } text } && ListDefinitionSignature.VerifyBytes(CanonicalBytes(manifest), text, publicKey);
}
