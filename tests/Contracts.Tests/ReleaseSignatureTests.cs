using System.Security.Cryptography;

namespace PecLists.Contracts.Tests;

/// <summary>The offline release signature: it covers every field of the manifest, and only its own purpose verifies.</summary>
public sealed class ReleaseSignatureTests
{
    private static readonly ReleaseManifestDto Manifest = new(
        "0.3.1",
        ReleaseRuntimes.LinuxX64,
        31_457_280,
        "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08",
        new DateTimeOffset(2026, 12, 7, 10, 11, 12, 345, TimeSpan.Zero),
        new DateTimeOffset(2027, 1, 6, 10, 11, 12, TimeSpan.Zero));

    [Fact]
    public void A_signed_manifest_verifies_with_its_key_and_names_it_with_times_to_the_second_and_a_lowercase_digest()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = ReleaseSignature.Sign(Manifest, key);

        Assert.True(ReleaseSignature.Verify(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(ListDefinitionSignature.KeyId(key.ExportSubjectPublicKeyInfo()), signed.KeyId);
        Assert.Equal(0, signed.SignedAt.Millisecond);
        Assert.Equal(Manifest.Sha256.ToLowerInvariant(), signed.Sha256);
    }

    [Fact]
    public void Changing_any_signed_field_or_verifying_with_another_key_fails()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ReleaseSignature.Sign(Manifest, key);
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.False(ReleaseSignature.Verify(signed, other.ExportSubjectPublicKeyInfo()));
        Assert.False(ReleaseSignature.Verify(signed with { Version = "0.3.2" }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { Runtime = ReleaseRuntimes.WinX64 }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { Size = signed.Size - 1 }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { Sha256 = new string('0', 64) }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { ExpiresAt = signed.ExpiresAt.AddDays(365) }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { TrustedKeys = [ListDefinitionSignature.PublicKeyText(other)] }, spki));
        Assert.False(ReleaseSignature.Verify(signed with { Signature = null }, spki));
    }

    [Fact]
    public void A_list_definition_signature_never_verifies_as_a_release_because_the_purpose_lines_differ()
    {
        Assert.NotEqual(ListDefinitionSignature.Purpose, ReleaseSignature.Purpose);
        Assert.NotEqual(ListDefinitionSignature.PurposeV2, ReleaseSignature.Purpose);
        Assert.NotEqual(ListDefinitionSignature.PurposeV3, ReleaseSignature.Purpose);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var definition = ListDefinitionSignature.SignBoth(
            new ListDefinitionDto("gestantes", 1, "SELECT 1 AS id", [new ListColumnDto("id", "bigint")], ["id"]), key, Manifest.SignedAt);

        Assert.False(ReleaseSignature.Verify(Manifest with { Signature = definition.Signature }, key.ExportSubjectPublicKeyInfo()));
        Assert.False(ReleaseSignature.Verify(Manifest with { Signature = definition.SignatureV2 }, key.ExportSubjectPublicKeyInfo()));
    }
}
