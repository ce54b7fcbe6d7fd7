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

    public static ListDefinitionDto Sign(ListDefinitionDto definition) => definition with { Signature = ListDefinitionSignature.Sign(definition, Key) };

    /// <summary>Signs the definitions that carry no signature yet (a test's deliberately bad one is left as it is).</summary>
    public static ListCatalogDto SignUnsigned(ListCatalogDto catalog) =>
        catalog with { Lists = [.. catalog.Lists.Select(l => l.Signature is null ? Sign(l) : l)] };
}
