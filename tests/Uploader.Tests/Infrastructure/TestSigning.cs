using System.Security.Cryptography;
using PecLists.Contracts;

namespace PecLists.Uploader.Tests;

/// <summary>
/// The operator's list-signing key for these tests (one per test run): configs pin <see cref="PublicKey"/>, and every
/// catalog a stub backend serves is signed with it, as a real backend serves what the operator signed offline.
/// </summary>
public static class TestSigning
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Base64 SubjectPublicKeyInfo, as 'lists keygen' prints it and the config pins it.</summary>
    public static string PublicKey { get; } = Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());

    public static string KeyId { get; } = ListDefinitionSignature.KeyId(Key.ExportSubjectPublicKeyInfo());

    /// <summary>Signed both ways now, as 'lists sign' does (v1 for older uploaders, dated v2 for this one).</summary>
    public static ListDefinitionDto Sign(ListDefinitionDto definition) => ListDefinitionSignature.SignBoth(definition, Key, DateTimeOffset.UtcNow);

    /// <summary>
    /// Signed in every format at once (v1, v2 and v3 at the same time), whatever parts the definition uses: verifies with
    /// an uploader that checks v3 when present and with one that only knows v2 (a definition using ADR 0022's parts).
    /// </summary>
    public static ListDefinitionDto SignFull(ListDefinitionDto definition)
    {
        var at = DateTimeOffset.UtcNow;
        return ListDefinitionSignature.SignBoth(definition, Key, at) with { SignatureV3 = ListDefinitionSignature.SignAll(definition, Key, at).SignatureV3 };
    }

    /// <summary>Signed both ways at <paramref name="signedAt"/>, with this run's key or <paramref name="key"/>.</summary>
    public static ListDefinitionDto SignAt(ListDefinitionDto definition, DateTimeOffset signedAt, ECDsa? key = null) =>
        ListDefinitionSignature.SignBoth(definition, key ?? Key, signedAt);

    /// <summary>Signed in every format that can hold it at <paramref name="signedAt"/> (v3 only when it uses masks, a cursor…), as 'lists sign' does since 0.3.</summary>
    public static ListDefinitionDto SignAllAt(ListDefinitionDto definition, DateTimeOffset signedAt, ECDsa? key = null) =>
        ListDefinitionSignature.SignAll(definition, key ?? Key, signedAt);

    /// <summary>Signed as 'lists sign' signs it now: v3 always, v1 and v2 too unless it uses what they do not cover (ADR 0022).</summary>
    public static ListDefinitionDto SignAll(ListDefinitionDto definition) => ListDefinitionSignature.SignAll(definition, Key, DateTimeOffset.UtcNow);

    /// <summary>Signed the old way only (v1, no signing time), as 'lists sign' did before dated signatures.</summary>
    public static ListDefinitionDto SignUndated(ListDefinitionDto definition) => definition with { Signature = ListDefinitionSignature.Sign(definition, Key) };

    /// <summary>Signs the definitions that carry no signature yet (a test's deliberately bad one is left as it is).</summary>
    public static ListCatalogDto SignUnsigned(ListCatalogDto catalog) =>
        catalog with { Lists = [.. catalog.Lists.Select(l => l.Signature is null && l.SignatureV3 is null ? Sign(l) : l)] };
}
