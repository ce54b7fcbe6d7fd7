using PecLists.Contracts;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests.Extraction;

/// <summary>The edge's rows digest read from the CSV it would send (ADR 0024): by header name, NULL rule, extraction-time columns left out.</summary>
public sealed class RowsDigestScanTests
{
    private static readonly ListDefinitionDto List = new(
        "hipertensos", 1, "SELECT 1",
        [new("id", "bigint"), new("nome", "text"), new("peso", "numeric"), new("dt_extracao", "timestamptz", Compare: false)],
        ["id"]);

    private static string Digest(string csv) => RowsDigestScan.Of(csv, List)!.Value;

    [Fact]
    public void Only_extraction_time_columns_changed_gives_the_same_digest()
    {
        var day1 = "id,nome,peso,dt_extracao\n1,Maria,70.5,2026-12-01 03:00:00-03\n2,José,,2026-12-01 03:00:00-03\n";
        var day2 = "id,nome,peso,dt_extracao\n1,Maria,70.5,2026-12-02 03:00:00-03\n2,José,,2026-12-02 03:00:00-03\n";

        Assert.Equal(Digest(day1), Digest(day2));
    }

    [Fact]
    public void Rows_in_another_order_and_columns_in_another_order_give_the_same_digest()
    {
        var a = "id,nome,peso,dt_extracao\n1,Maria,70.5,x\n2,José,,x\n";
        var b = "dt_extracao,peso,nome,id\ny,,José,2\ny,70.50,Maria,1";

        Assert.Equal(Digest(a), Digest(b));
    }

    [Fact]
    public void It_is_the_contract_digest_of_the_canonical_values()
    {
        var digest = new RowsDigest();
        digest.Add(["1", "Ana, \"Aninha\"\nda Silva", "70.5"]);
        digest.Add(["2", string.Empty, null]);

        var scanned = RowsDigestScan.Of("id,nome,peso,dt_extracao\n1,\"Ana, \"\"Aninha\"\"\nda Silva\",70.50,x\r\n2,\"\",,x\n", List)!;

        Assert.Equal((2L, digest.Value), (scanned.Rows, scanned.Value));
    }

    [Fact]
    public void A_changed_value_a_null_for_an_empty_text_and_an_accent_each_change_the_digest()
    {
        var baseline = Digest("id,nome,peso,dt_extracao\n1,José,1,x\n");

        Assert.NotEqual(baseline, Digest("id,nome,peso,dt_extracao\n1,Jose,1,x\n"));
        Assert.NotEqual(baseline, Digest("id,nome,peso,dt_extracao\n1,José,2,x\n"));
        Assert.NotEqual(Digest("id,nome,peso,dt_extracao\n1,,1,x\n"), Digest("id,nome,peso,dt_extracao\n1,\"\",1,x\n"));
    }

    [Fact]
    public void A_header_without_a_compared_column_has_no_digest()
    {
        Assert.Null(RowsDigestScan.Of("id,peso,dt_extracao\n1,1,x\n", List));
    }

    [Fact]
    public void An_empty_list_has_a_digest_of_zero_rows()
    {
        var empty = RowsDigestScan.Of("id,nome,peso,dt_extracao\n", List)!;

        Assert.Equal((0L, new RowsDigest().Value), (empty.Rows, empty.Value));
    }
}
