using System.Security.Cryptography;
using System.Text;

namespace PecLists.Contracts.Tests;

public sealed class ListDefinitionSignatureTests
{
    private static readonly ListDefinitionDto Definition = new(
        "hipertensos",
        3,
        "SELECT id AS id_cidadao, now() AS dt_extracao FROM tb_cidadao WHERE no_cidadao <> 'José'",
        [new ListColumnDto("id_cidadao", "bigint"), new ListColumnDto("dt_extracao", "timestamptz", Compare: false)],
        ["id_cidadao"]);

    [Fact]
    public void A_signed_definition_verifies_with_its_public_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = Definition with { Signature = ListDefinitionSignature.Sign(Definition, key) };

        Assert.True(ListDefinitionSignature.Verify(signed, key.ExportSubjectPublicKeyInfo()));
        Assert.Equal(64, Convert.FromBase64String(signed.Signature!).Length);
    }

    public static TheoryData<string> Changes() => ["name", "version", "sql", "sql-whitespace", "column-name", "column-type", "column-compare", "column-order", "column-added", "key", "key-emptied"];

    [Theory]
    [MemberData(nameof(Changes))]
    public void Any_change_to_a_signed_field_fails_verification(string change)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = Definition with { Signature = ListDefinitionSignature.Sign(Definition, key) };
        var columns = signed.Columns;

        var tampered = change switch
        {
            "name" => signed with { Name = "diabeticos" },
            "version" => signed with { Version = 4 },
            "sql" => signed with { Sql = signed.Sql.Replace("<>", "=", StringComparison.Ordinal) },
            "sql-whitespace" => signed with { Sql = signed.Sql + " " },
            "column-name" => signed with { Columns = [columns[0] with { Name = "id" }, columns[1]] },
            "column-type" => signed with { Columns = [columns[0] with { Type = "text" }, columns[1]] },
            "column-compare" => signed with { Columns = [columns[0], columns[1] with { Compare = true }] },
            "column-order" => signed with { Columns = [columns[1], columns[0]] },
            "column-added" => signed with { Columns = [.. columns, new ListColumnDto("nu_cpf", "text")] },
            "key" => signed with { Key = ["dt_extracao"] },
            "key-emptied" => signed with { Key = [] },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        Assert.False(ListDefinitionSignature.Verify(tampered, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void Another_key_does_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var signed = Definition with { Signature = ListDefinitionSignature.Sign(Definition, key) };

        Assert.False(ListDefinitionSignature.Verify(signed, other.ExportSubjectPublicKeyInfo()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    public void A_missing_or_malformed_signature_does_not_verify(string? signature)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.False(ListDefinitionSignature.Verify(Definition with { Signature = signature }, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_DER_signature_of_the_same_bytes_is_not_accepted()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = key.SignData(ListDefinitionSignature.CanonicalBytes(Definition), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        Assert.False(ListDefinitionSignature.Verify(Definition with { Signature = Convert.ToBase64String(der) }, key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void A_signature_over_the_bare_json_without_the_purpose_line_does_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var bytes = ListDefinitionSignature.CanonicalBytes(Definition)[Encoding.UTF8.GetByteCount(ListDefinitionSignature.Purpose)..];
        var signature = key.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        Assert.False(ListDefinitionSignature.Verify(Definition with { Signature = Convert.ToBase64String(signature) }, key.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>
    /// The canonical form is a contract between a signer and uploaders already installed: if these bytes change
    /// (a serializer upgrade, a renamed field) every deployed signature stops verifying. Changing them needs a new purpose line.
    /// </summary>
    [Fact]
    public void The_canonical_bytes_are_pinned()
    {
        var text = Encoding.UTF8.GetString(ListDefinitionSignature.CanonicalBytes(Definition with { Signature = "ignored" }));

        Assert.Equal(
            "pec-lists/list-definition/v1\n" +
            """{"name":"hipertensos","version":3,"sql":"SELECT id AS id_cidadao, now() AS dt_extracao FROM tb_cidadao WHERE no_cidadao \u003C\u003E \u0027Jos\u00E9\u0027","columns":[{"name":"id_cidadao","type":"bigint","compare":true},{"name":"dt_extracao","type":"timestamptz","compare":false}],"key":["id_cidadao"]}""",
            text);
    }

    [Fact]
    public void Public_keys_are_read_from_base64_or_PEM_and_named_by_a_short_id()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.Equal(spki, ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(spki)));
        Assert.Equal(spki, ListDefinitionSignature.ReadPublicKey(key.ExportSubjectPublicKeyInfoPem() + "\n"));
        Assert.Equal(ListDefinitionSignature.PublicKeyText(key), Convert.ToBase64String(spki));
        Assert.Matches("^[0-9a-f]{16}$", ListDefinitionSignature.KeyId(spki));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(spki))[..16], ListDefinitionSignature.KeyId(spki));
    }

    [Fact]
    public void A_key_with_bytes_after_it_or_a_point_off_the_curve_is_refused_and_verifies_nothing()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo();
        var signed = Definition with { Signature = ListDefinitionSignature.Sign(Definition, key) };
        byte[] trailing = [.. spki, 0];
        var offCurve = (byte[])spki.Clone();
        offCurve[^1] ^= 1; // y no longer matches x

        Assert.True(ListDefinitionSignature.Verify(signed, spki));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(trailing)));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(offCurve)));
        Assert.False(ListDefinitionSignature.Verify(signed, trailing));
        Assert.False(ListDefinitionSignature.Verify(signed, offCurve));
    }

    [Fact]
    public void A_compressed_point_reads_as_the_uncompressed_key_dotnet_exports_so_its_key_id_is_the_same()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var spki = key.ExportSubjectPublicKeyInfo(); // 30 59 | AlgorithmIdentifier (21 bytes) | 03 42 00 04 | X | Y
        Assert.Equal(91, spki.Length);
        byte[] compressed = [0x30, 0x39, .. spki[2..23], 0x03, 0x22, 0x00, (byte)(0x02 | (spki[^1] & 1)), .. spki[27..59]];

        Assert.Equal(spki, ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(compressed)));
        Assert.True(ListDefinitionSignature.Verify(Definition with { Signature = ListDefinitionSignature.Sign(Definition, key) }, compressed));
    }

    [Fact]
    public void Anything_but_a_P256_public_key_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var rsa = RSA.Create(2048);

        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(p384.ExportSubjectPublicKeyInfo())));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo())));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(p256.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey("not a key"));
        Assert.Throws<FormatException>(() => ListDefinitionSignature.ReadPublicKey(string.Empty));
        Assert.Throws<CryptographicException>(() => ListDefinitionSignature.Sign(Definition, p384));
    }
}
