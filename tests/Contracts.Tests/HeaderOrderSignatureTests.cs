using System.Security.Cryptography;
using System.Text;

namespace PecLists.Contracts.Tests;

/// <summary>
/// The backend stores an HTTP list's source as jsonb, which orders an object's members its own way (shorter names
/// first), so the catalog serves the header maps in another order than the operator wrote them. The v3 bytes write them
/// in ordinal order of their names, so the signature made over the file verifies over what the catalog serves.
/// </summary>
public sealed class HeaderOrderSignatureTests
{
    private static readonly ListDefinitionDto Http = new(
        "onibus",
        1,
        string.Empty,
        [new ListColumnDto("ordem", "text")],
        ["ordem"],
        Mode: LoadModes.Append,
        Source: new ListSourceDto(
            SourceKinds.Http,
            Url: "https://dados.example.org/gps",
            Headers: new Dictionary<string, string> { ["X-Client-Name"] = "pec", ["Accept"] = "application/json" },
            SecretHeaders: new Dictionary<string, string> { ["X-Api-Key"] = "gps", ["Apikey"] = "gps2" }));

    private static ListDefinitionDto Reordered(ListDefinitionDto definition) => definition with
    {
        Source = definition.Source! with
        {
            Headers = definition.Source.Headers!.Reverse().ToDictionary(),
            SecretHeaders = definition.Source.SecretHeaders!.Reverse().ToDictionary(),
        },
    };

    [Fact]
    public void The_v3_bytes_do_not_depend_on_the_order_of_the_header_maps_and_write_them_in_ordinal_order()
    {
        var at = new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);
        var written = ListDefinitionSignature.CanonicalBytesV3(Http, at);

        Assert.Equal(written, ListDefinitionSignature.CanonicalBytesV3(Reordered(Http), at));
        Assert.Contains("""
            "headers":{"Accept":"application/json","X-Client-Name":"pec"},"secretHeaders":{"Apikey":"gps2","X-Api-Key":"gps"}
            """.Trim(), Encoding.UTF8.GetString(written), StringComparison.Ordinal);
    }

    [Fact]
    public void A_signature_over_one_header_order_verifies_over_another_and_a_changed_header_value_does_not()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signed = ListDefinitionSignature.SignAll(Http, key, DateTimeOffset.UtcNow);
        var spki = key.ExportSubjectPublicKeyInfo();

        Assert.True(ListDefinitionSignature.VerifyV3(Reordered(signed), spki));
        Assert.False(ListDefinitionSignature.VerifyV3(
            signed with { Source = signed.Source! with { Headers = new Dictionary<string, string> { ["X-Client-Name"] = "pec", ["Accept"] = "text/csv" } } }, spki));
    }
}
