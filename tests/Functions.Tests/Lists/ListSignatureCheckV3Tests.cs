using System.Security.Cryptography;
using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Lists;

/// <summary>
/// Publish accepts a definition that uses masks (beyond v2) only with a v3 signature that verifies, and a plain one
/// signed v1 + v2 + v3 still has its v1 and v2 checked (uploaders before 0.3 verify those).
/// </summary>
public sealed class ListSignatureCheckV3Tests
{
    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly byte[] PublicKey = Key.ExportSubjectPublicKeyInfo();

    private static ListDefinition Pessoas(ColumnMaskDto? mask) =>
        new("pessoas", 1, string.Empty, "SELECT 1 AS id, '1' AS nu_cpf", [new ListColumnDto("id", "integer"), new ListColumnDto("nu_cpf", "text", Mask: mask)], ["id"]);

    private static ListDefinition Signed(ListDefinition definition)
    {
        var dto = ListDefinitionSignature.SignAll(definition.ToDto(), Key, DateTimeOffset.UtcNow);
        return definition with { Signature = dto.Signature, SignedAt = dto.SignedAt, SignatureV2 = dto.SignatureV2, SignatureV3 = dto.SignatureV3 };
    }

    [Fact]
    public void A_masked_definition_signed_v3_is_published_and_one_whose_mask_changed_after_signing_is_refused()
    {
        var signed = Signed(Pessoas(new ColumnMaskDto(MaskKinds.Hash)));

        Assert.Null(ListSignatureCheck.Problem(signed, PublicKey));
        var weakened = signed with { Columns = [signed.Columns[0], signed.Columns[1] with { Mask = new ColumnMaskDto(MaskKinds.LastDigits, Digits: 11) }] };
        Assert.Contains("v3 signature", ListSignatureCheck.Problem(weakened, PublicKey), StringComparison.Ordinal);
    }

    [Fact]
    public void A_masked_definition_without_a_v3_signature_is_refused_and_a_plain_one_with_a_broken_v1_too()
    {
        var plain = Signed(Pessoas(mask: null));
        var maskedWithOldSignatures = Pessoas(new ColumnMaskDto(MaskKinds.Redact)) with { Signature = plain.Signature, SignedAt = plain.SignedAt, SignatureV2 = plain.SignatureV2 };

        Assert.Null(ListSignatureCheck.Problem(plain, PublicKey));
        Assert.Contains("v3 signature", ListSignatureCheck.Problem(maskedWithOldSignatures, PublicKey), StringComparison.Ordinal);
        Assert.Contains("does not verify", ListSignatureCheck.Problem(plain with { Signature = plain.SignatureV2 }, PublicKey), StringComparison.Ordinal);
    }
}
