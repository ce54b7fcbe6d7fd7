using System.Security.Cryptography;
using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Tests.Lists;

/// <summary>The publish-time signature check (ADR 0022): every signature present verifies, and v3 only beyond v2.</summary>
public sealed class ListSignatureCheckTests : IDisposable
{
    private static readonly ListDefinition Plain = new("teste", 1, string.Empty, "SELECT 1 AS id, 'x' AS cpf", [new ListColumnDto("id", "bigint"), new ListColumnDto("cpf", "text")], ["id"]);

    private static readonly ListDefinition Masked = Plain with { Columns = [Plain.Columns[0], Plain.Columns[1] with { Mask = new ColumnMaskDto(MaskKinds.Hash) }] };

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private byte[] PublicKey => _key.ExportSubjectPublicKeyInfo();

    public void Dispose() => _key.Dispose();

    private ListDefinition Signed(ListDefinition definition, Func<ListDefinitionDto, ListDefinitionDto> sign)
    {
        var dto = sign(definition.ToDto());
        return definition with { Signature = dto.Signature, SignedAt = dto.SignedAt, SignatureV2 = dto.SignatureV2, SignatureV3 = dto.SignatureV3 };
    }

    [Fact]
    public void A_definition_beyond_v2_signed_v3_only_passes() =>
        Assert.Null(ListSignatureCheck.Problem(Signed(Masked, d => ListDefinitionSignature.SignAll(d, _key, DateTimeOffset.UtcNow)), PublicKey));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_definition_beyond_v2_carrying_v1_and_v2_is_refused_with_or_without_a_key(bool withKey)
    {
        var signed = Signed(Masked, d => ListDefinitionSignature.SignBoth(d, _key, DateTimeOffset.UtcNow));

        Assert.Equal(PublishCodes.SignatureV3Required, ListSignatureCheck.Problem(signed, withKey ? PublicKey : null)?.Code);
    }

    [Fact]
    public void A_definition_beyond_v2_carrying_v3_and_a_leftover_v1_is_refused()
    {
        var signed = Signed(Masked, d => ListDefinitionSignature.SignAll(d, _key, DateTimeOffset.UtcNow));

        Assert.Equal(PublishCodes.SignatureV3Required, ListSignatureCheck.Problem(signed with { Signature = ListDefinitionSignature.Sign(Masked.ToDto(), _key) }, PublicKey)?.Code);
    }

    [Fact]
    public void A_v3_that_does_not_verify_is_refused_even_when_v1_and_v2_do()
    {
        var signed = Signed(Plain, d => ListDefinitionSignature.SignAll(d, _key, DateTimeOffset.UtcNow));
        var otherV3 = ListDefinitionSignature.SignAll(Plain.ToDto() with { Sql = "SELECT 2 AS id, 'y' AS cpf" }, _key, signed.SignedAt!.Value).SignatureV3;

        Assert.Null(ListSignatureCheck.Problem(signed, PublicKey));
        Assert.Equal(PublishCodes.SignatureInvalid, ListSignatureCheck.Problem(signed with { SignatureV3 = otherV3 }, PublicKey)?.Code);
    }

    [Fact]
    public void An_unsigned_definition_is_refused_as_missing_only_when_a_key_is_configured()
    {
        Assert.Equal(PublishCodes.SignatureMissing, ListSignatureCheck.Problem(Masked, PublicKey)?.Code);
        Assert.Null(ListSignatureCheck.Problem(Masked, null));
    }
}
