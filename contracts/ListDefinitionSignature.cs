using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.X509;

namespace PecLists.Contracts;

/// <summary>
/// The operator's signature of a list definition, shared by the signer (functions CLI) and the verifier (uploader) so
/// both read the same bytes: ECDSA P-256 with SHA-256, the signature in IEEE P1363 form (r‖s, 64 bytes) as base64, over
/// <see cref="Purpose"/> followed by the UTF-8 JSON of <see cref="SignedListContent"/> written by the source-generated
/// <see cref="ContractsJsonContext"/>. Public keys travel as SubjectPublicKeyInfo DER in base64 (or a PEM "PUBLIC KEY").
/// See docs/adr/0010-signed-list-definitions.md.
/// Signing uses the platform's ECDSA (the operator's machine, Linux). Reading keys and verifying use BouncyCastle's
/// managed code, so the uploader verifies the same way on every OS, Wine's CNG (no ECDSA) included:
/// docs/adr/0016-managed-signature-verification.md.
/// </summary>
public static class ListDefinitionSignature
{
    /// <summary>Domain separation: a signature made for anything else never verifies as a list definition.</summary>
    public const string Purpose = "pec-lists/list-definition/v1\n";

    /// <summary>The v2 format's purpose line: a v1 signature never verifies as v2, nor the reverse.</summary>
    public const string PurposeV2 = "pec-lists/list-definition/v2\n";

    /// <summary>The v3 format's purpose line (every field: source, mode, cursor, schedule, masks, views).</summary>
    public const string PurposeV3 = "pec-lists/list-definition/v3\n";

    private const string P256Oid = "1.2.840.10045.3.1.7";
    private const int SignatureBytes = 64;

    /// <summary>The exact bytes signed: the purpose line, then the five fields the uploader acts on as JSON.</summary>
    public static byte[] CanonicalBytes(ListDefinitionDto definition)
    {
        var content = new SignedListContent(definition.Name, definition.Version, definition.Sql, definition.Columns, definition.Key);
        var json = JsonSerializer.SerializeToUtf8Bytes(content, ContractsJsonContext.Default.SignedListContent);
        return [.. Encoding.UTF8.GetBytes(Purpose), .. json];
    }

    /// <summary>The exact bytes a v2 signature covers: the v2 purpose line, then the five fields and the signing time as JSON.</summary>
    public static byte[] CanonicalBytesV2(ListDefinitionDto definition, DateTimeOffset signedAt)
    {
        var content = new DatedSignedListContent(definition.Name, definition.Version, definition.Sql, definition.Columns, definition.Key, signedAt.ToUniversalTime());
        var json = JsonSerializer.SerializeToUtf8Bytes(content, ContractsJsonContext.Default.DatedSignedListContent);
        return [.. Encoding.UTF8.GetBytes(PurposeV2), .. json];
    }

    /// <summary>
    /// The exact bytes a v3 signature covers: the v3 purpose line, then every field and the signing time as JSON. The
    /// source's header maps are written in ordinal order of their names, whatever order they arrive in: the backend stores
    /// the source as jsonb, which keeps an object's members in an order of its own (shorter names first), so the order an
    /// operator wrote them in does not survive the catalog.
    /// </summary>
    public static byte[] CanonicalBytesV3(ListDefinitionDto definition, DateTimeOffset signedAt)
    {
        var source = definition.Source is { } given ? given with { Headers = Ordered(given.Headers), SecretHeaders = Ordered(given.SecretHeaders) } : null;
        var content = new FullSignedListContent(
            definition.Name, definition.Version, definition.Sql, definition.Columns, definition.Key,
            definition.Mode, source, definition.Incremental, definition.Schedule, definition.Views, signedAt.ToUniversalTime());
        var json = JsonSerializer.SerializeToUtf8Bytes(content, ContractsJsonContext.Default.FullSignedListContent);
        return [.. Encoding.UTF8.GetBytes(PurposeV3), .. json];
    }

    /// <summary>
    /// True when <paramref name="definition"/> uses anything the v1 and v2 signatures do not cover (a source other than
    /// PostgreSQL, a mode other than snapshot, a cursor, a schedule, views, or a column's field, format or mask). Such a
    /// definition is signed v3 only: an uploader before 0.3 would run it while ignoring what it does not know.
    /// </summary>
    public static bool IsBeyondV2(ListDefinitionDto definition) =>
        (definition.Mode is not null && definition.Mode != LoadModes.Snapshot)
        || (definition.Source is not null && definition.Source.Kind != SourceKinds.Postgres)
        || definition.Incremental is not null || definition.Schedule is not null || definition.Views is { Count: > 0 }
        || definition.Columns.Any(c => c.Field is not null || c.Format is not null || c.Mask is not null);

    /// <summary>
    /// <paramref name="definition"/> signed at <paramref name="signedAt"/> (to the second) in every format that can hold
    /// it: v3 always; v1 and v2 too (for uploaders before 0.3) unless <see cref="IsBeyondV2"/>, when they are cleared.
    /// </summary>
    public static ListDefinitionDto SignAll(ListDefinitionDto definition, ECDsa privateKey, DateTimeOffset signedAt)
    {
        RequireP256(privateKey);
        var at = DateTimeOffset.FromUnixTimeSeconds(signedAt.ToUnixTimeSeconds());
        var v3 = Convert.ToBase64String(privateKey.SignData(CanonicalBytesV3(definition, at), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        return IsBeyondV2(definition)
            ? definition with { Signature = null, SignatureV2 = null, SignedAt = at, SignatureV3 = v3 }
            : SignBoth(definition, privateKey, at) with { SignatureV3 = v3 };
    }

    /// <summary>True only when <paramref name="definition"/> carries a signing time and a v3 signature of it that this key verifies.</summary>
    public static bool VerifyV3(ListDefinitionDto definition, ReadOnlySpan<byte> publicKey) =>
        definition is { SignatureV3: { } text, SignedAt: { } at } && VerifyBytes(CanonicalBytesV3(definition, at), text, publicKey);

    /// <summary>The base64 signature of <paramref name="definition"/> (its own Signature is ignored) with a P-256 private key.</summary>
    public static string Sign(ListDefinitionDto definition, ECDsa privateKey)
    {
        RequireP256(privateKey);
        return Convert.ToBase64String(privateKey.SignData(CanonicalBytes(definition), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>
    /// <paramref name="definition"/> signed both ways at <paramref name="signedAt"/> (to the second): the v1
    /// <c>Signature</c> older uploaders verify, and <c>SignedAt</c> with the v2 <c>SignatureV2</c> that covers it.
    /// </summary>
    public static ListDefinitionDto SignBoth(ListDefinitionDto definition, ECDsa privateKey, DateTimeOffset signedAt)
    {
        RequireP256(privateKey);
        var at = DateTimeOffset.FromUnixTimeSeconds(signedAt.ToUnixTimeSeconds());
        var v2 = privateKey.SignData(CanonicalBytesV2(definition, at), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return definition with { Signature = Sign(definition, privateKey), SignedAt = at, SignatureV2 = Convert.ToBase64String(v2) };
    }

    /// <summary>True only when <paramref name="definition"/> carries a well-formed v1 signature that this public key verifies.</summary>
    public static bool Verify(ListDefinitionDto definition, ReadOnlySpan<byte> publicKey) =>
        definition.Signature is { } text && VerifyBytes(CanonicalBytes(definition), text, publicKey);

    /// <summary>True only when <paramref name="definition"/> carries a signing time and a v2 signature of it that this key verifies.</summary>
    public static bool VerifyV2(ListDefinitionDto definition, ReadOnlySpan<byte> publicKey) =>
        definition is { SignatureV2: { } text, SignedAt: { } at } && VerifyBytes(CanonicalBytesV2(definition, at), text, publicKey);

    /// <summary>True only when <paramref name="text"/> is a base64 P1363 P-256/SHA-256 signature of <paramref name="bytes"/> by this key.</summary>
    internal static bool VerifyBytes(byte[] bytes, string text, ReadOnlySpan<byte> publicKey)
    {
        var signature = new byte[SignatureBytes];
        if (!Convert.TryFromBase64String(text, signature, out var written) || written != SignatureBytes)
        {
            return false;
        }

        ECPublicKeyParameters key;
        try
        {
            key = ImportPublicKey(publicKey);
        }
        catch (FormatException)
        {
            return false; // no usable key verifies nothing
        }

        // IEEE P1363 (r‖s) is BouncyCastle's "plain" encoding; an r or s out of range reads as a failed verification.
        var verifier = new DsaDigestSigner(new ECDsaSigner(), new Sha256Digest(), PlainDsaEncoding.Instance);
        verifier.Init(forSigning: false, key);
        verifier.BlockUpdate(bytes, 0, bytes.Length);
        return verifier.VerifySignature(signature);
    }

    /// <summary>A short, public name for a key (first 8 bytes of SHA-256 of its SubjectPublicKeyInfo, hex): what logs and heartbeats show.</summary>
    public static string KeyId(ReadOnlySpan<byte> publicKey) => Convert.ToHexStringLower(SHA256.HashData(publicKey)[..8]);

    /// <summary>
    /// A P-256 public key given as base64 SubjectPublicKeyInfo or as PEM text ("-----BEGIN PUBLIC KEY-----"), returned as
    /// SubjectPublicKeyInfo DER. Throws <see cref="FormatException"/> for anything else (a private key included).
    /// </summary>
    public static byte[] ReadPublicKey(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] spki;
        var trimmed = text.Trim();
        if (trimmed.StartsWith("-----", StringComparison.Ordinal))
        {
            if (!PemEncoding.TryFind(trimmed, out var fields) || trimmed[fields.Label] is not "PUBLIC KEY")
            {
                throw new FormatException("expected a PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo)");
            }

            spki = Convert.FromBase64String(trimmed[fields.Base64Data].ToString());
        }
        else if (!TryFromBase64(trimmed, out spki))
        {
            throw new FormatException("expected base64 SubjectPublicKeyInfo or a PEM \"PUBLIC KEY\"");
        }

        // Re-encoded as DER with the point uncompressed: the same bytes .NET's ExportSubjectPublicKeyInfo writes, so
        // the key id of a pinned key does not depend on how it was written down.
        return SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(ImportPublicKey(spki)).GetDerEncoded();
    }

    /// <summary>The public key as the base64 SubjectPublicKeyInfo the uploader pins.</summary>
    public static string PublicKeyText(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    /// <summary>A SubjectPublicKeyInfo holding a valid point on P-256, nothing after it; else <see cref="FormatException"/>.</summary>
    private static ECPublicKeyParameters ImportPublicKey(ReadOnlySpan<byte> spki)
    {
        const string NotP256 = "not an ECDSA P-256 public key";
        try
        {
            // FromByteArray refuses bytes left after the object.
            var info = SubjectPublicKeyInfo.GetInstance(Asn1Object.FromByteArray(spki.ToArray()));
            if (!X9ObjectIdentifiers.IdECPublicKey.Equals(info.Algorithm.Algorithm)
                || info.Algorithm.Parameters is not DerObjectIdentifier curve || curve.Id != P256Oid)
            {
                throw new FormatException(NotP256);
            }

            // DecodePoint refuses coordinates off the curve; the constructor refuses the point at infinity.
            var point = ECNamedCurveTable.GetByOid(curve).Curve.DecodePoint(info.PublicKey.GetOctets());
            return new ECPublicKeyParameters("EC", point, curve);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or InvalidOperationException)
        {
            throw new FormatException(NotP256, ex);
        }
    }

    private static SortedDictionary<string, string>? Ordered(IReadOnlyDictionary<string, string>? map) =>
        map is null ? null : new(map.ToDictionary(), StringComparer.Ordinal);

    /// <summary>Throws <see cref="CryptographicException"/> unless <paramref name="key"/> is on curve P-256.</summary>
    internal static void RequireP256(ECDsa key)
    {
        // Windows names the curve (nistP256 / ECDSA_P256) where OpenSSL gives its OID.
        var curve = key.ExportParameters(includePrivateParameters: false).Curve.Oid;
        if (key.KeySize != 256 || !(curve?.Value == P256Oid || curve?.FriendlyName is "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1"))
        {
            throw new CryptographicException("the key is not on curve P-256");
        }
    }

    private static bool TryFromBase64(string text, out byte[] bytes)
    {
        var buffer = new byte[text.Length];
        if (Convert.TryFromBase64String(text, buffer, out var written) && written > 0)
        {
            bytes = buffer[..written];
            return true;
        }

        bytes = [];
        return false;
    }
}
