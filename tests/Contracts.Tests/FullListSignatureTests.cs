using System.Security.Cryptography;
using System.Text;

namespace PecLists.Contracts.Tests;

/// <summary>The v3 list signature: it covers every field (source, mode, cursor, schedule, masks, views) and the signing time.</summary>
public sealed class FullListSignatureTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 12, 7, 10, 11, 12, TimeSpan.FromHours(-3));

    private static readonly ListDefinitionDto Plain = new(
        "hipertensos", 3, "SELECT id AS id_cidadao FROM tb_cidadao", [new ListColumnDto("id_cidadao", "bigint")], ["id_cidadao"]);

    private static readonly ListDefinitionDto Usuarios = new(
        "usuarios",
        1,
        "SELECT id, cpf, email, atualizado_em FROM usuarios",
        [
            new ListColumnDto("id", "bigint"),
            new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
            new ListColumnDto("email", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
            new ListColumnDto("atualizado_em", "timestamptz"),
        ],
        ["id"],
        Mode: LoadModes.Incremental,
        Incremental: new IncrementalDto("atualizado_em", LookbackSeconds: 600));

    [Fact]
    public void A_definition_using_a_mask_or_a_mode_is_signed_v3_only_so_older_uploaders_find_nothing_to_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = ListDefinitionSignature.SignAll(Usuarios with { Signature = "stale", SignatureV2 = "stale" }, key, SignedAt);

        Assert.True(ListDefinitionSignature.IsBeyondV2(Usuarios));
        Assert.Null(signed.Signature);
        Assert.Null(signed.SignatureV2);
        Assert.False(ListDefinitionSignature.VerifyV2(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.True(ListDefinitionSignature.VerifyV3(signed, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_plain_snapshot_definition_is_signed_in_all_three_formats()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = ListDefinitionSignature.SignAll(Plain, key, SignedAt);

        Assert.False(ListDefinitionSignature.IsBeyondV2(Plain));
        Assert.True(ListDefinitionSignature.Verify(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.True(ListDefinitionSignature.VerifyV2(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.True(ListDefinitionSignature.VerifyV3(signed, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void Dropping_a_mask_changing_the_mode_or_the_lookback_breaks_the_v3_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ListDefinitionSignature.SignAll(Usuarios, key, SignedAt);
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.False(ListDefinitionSignature.VerifyV3(signed with { Columns = [.. signed.Columns.Select(c => c with { Mask = null })] }, spki));
        Assert.False(ListDefinitionSignature.VerifyV3(signed with { Mode = LoadModes.Snapshot }, spki));
        Assert.False(ListDefinitionSignature.VerifyV3(signed with { Incremental = signed.Incremental! with { LookbackSeconds = 0 } }, spki));
        Assert.False(ListDefinitionSignature.VerifyV3(signed with { SignedAt = SignedAt.AddDays(1) }, spki));
        Assert.False(ListDefinitionSignature.VerifyV3(signed with { SignatureV3 = null }, spki));
    }

    /// <summary>Deployed signatures depend on these bytes; changing them needs a v4.</summary>
    [Fact]
    public void The_v3_canonical_bytes_are_pinned_absent_parts_are_left_out_and_the_time_is_in_utc()
    {
        var text = Encoding.UTF8.GetString(ListDefinitionSignature.CanonicalBytesV3(Usuarios, SignedAt));

        Assert.Equal(
            "pec-lists/list-definition/v3\n" +
            """{"name":"usuarios","version":1,"sql":"SELECT id, cpf, email, atualizado_em FROM usuarios","columns":[{"name":"id","type":"bigint","compare":true},{"name":"cpf","type":"text","compare":true,"mask":{"kind":"hash"}},{"name":"email","type":"text","compare":true,"mask":{"kind":"redact"}},{"name":"atualizado_em","type":"timestamptz","compare":true}],"key":["id"],"mode":"incremental","incremental":{"cursorColumn":"atualizado_em","lookbackSeconds":600,"keySetEveryHours":24},"signedAt":"2026-12-07T13:11:12+00:00"}""",
            text);
    }

    [Fact]
    public void The_new_optional_column_parts_leave_the_v1_bytes_of_a_plain_definition_unchanged()
    {
        var text = Encoding.UTF8.GetString(ListDefinitionSignature.CanonicalBytes(Plain));

        Assert.Equal(
            "pec-lists/list-definition/v1\n" +
            """{"name":"hipertensos","version":3,"sql":"SELECT id AS id_cidadao FROM tb_cidadao","columns":[{"name":"id_cidadao","type":"bigint","compare":true}],"key":["id_cidadao"]}""",
            text);
    }
}
