using System.Security.Cryptography;
using System.Text;

namespace PecLists.Contracts.Tests;

/// <summary>The v2 (dated) list signature: it covers the signing time, and neither format verifies as the other.</summary>
public sealed class DatedListSignatureTests
{
    private static readonly DateTimeOffset SignedAt = new(2026, 12, 7, 10, 11, 12, TimeSpan.FromHours(-3));

    private static readonly ListDefinitionDto Definition = new(
        "hipertensos",
        3,
        "SELECT id AS id_cidadao FROM tb_cidadao WHERE no_cidadao <> 'José'",
        [new ListColumnDto("id_cidadao", "bigint")],
        ["id_cidadao"]);

    [Fact]
    public void Signed_both_ways_it_verifies_as_v1_and_as_v2_at_the_second_it_was_signed()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = ListDefinitionSignature.SignBoth(Definition, key, SignedAt.AddMilliseconds(999));

        Assert.Equal(SignedAt, signed.SignedAt);
        Assert.True(ListDefinitionSignature.Verify(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.True(ListDefinitionSignature.VerifyV2(signed, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void Moving_the_signing_time_or_changing_the_sql_breaks_the_v2_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ListDefinitionSignature.SignBoth(Definition, key, SignedAt);

        Assert.False(ListDefinitionSignature.VerifyV2(signed with { SignedAt = SignedAt.AddDays(200) }, key.ExportSubjectPublicKeyInfo()));
        Assert.False(ListDefinitionSignature.VerifyV2(signed with { Sql = "SELECT 1 AS id_cidadao" }, key.ExportSubjectPublicKeyInfo()));
        Assert.False(ListDefinitionSignature.VerifyV2(signed with { SignedAt = null }, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_v1_signature_does_not_verify_as_v2_nor_a_v2_as_v1()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ListDefinitionSignature.SignBoth(Definition, key, SignedAt);

        Assert.False(ListDefinitionSignature.VerifyV2(signed with { SignatureV2 = signed.Signature }, key.ExportSubjectPublicKeyInfo()));
        Assert.False(ListDefinitionSignature.Verify(signed with { Signature = signed.SignatureV2 }, key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>As the v1 bytes (ListDefinitionSignatureTests): deployed signatures depend on these bytes; changing them needs a v3.</summary>
    [Fact]
    public void The_v2_canonical_bytes_are_pinned_and_the_time_is_written_in_utc()
    {
        var text = Encoding.UTF8.GetString(ListDefinitionSignature.CanonicalBytesV2(Definition with { Signature = "ignored" }, SignedAt));

        Assert.Equal(
            "pec-lists/list-definition/v2\n" +
            """{"name":"hipertensos","version":3,"sql":"SELECT id AS id_cidadao FROM tb_cidadao WHERE no_cidadao \u003C\u003E \u0027Jos\u00E9\u0027","columns":[{"name":"id_cidadao","type":"bigint","compare":true}],"key":["id_cidadao"],"signedAt":"2026-12-07T13:11:12+00:00"}""",
            text);
    }
}
