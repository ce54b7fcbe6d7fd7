using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Pipeline;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests.Pipeline;

/// <summary>
/// Issue 22 (ADR 0022): a definition that uses anything v1 and v2 do not cover (here a mask) runs only with a valid v3
/// signature, under the same expiry, rollback and one-statement rules as v2; a signed definition asking for something
/// this uploader does not know is refused as definition-unsupported, and that refusal is reported like the others.
/// </summary>
public sealed class DefinitionV3Tests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static SignedDefinitions Signatures(IReadOnlyDictionary<string, int>? highestRun = null) =>
        new([Convert.FromBase64String(TestSigning.PublicKey)], Now, TimeSpan.FromDays(400), highestRun);

    private static ListDefinitionDto Pessoas(int version = 1, ColumnMaskDto? mask = null) =>
        new("pessoas", version, "SELECT 1 AS id, '12345678909' AS nu_cpf", [new ListColumnDto("id", "integer"), new ListColumnDto("nu_cpf", "text", Mask: mask ?? new ColumnMaskDto(MaskKinds.Hash))], ["id"]);

    private static string? RefusalOf(ListDefinitionDto definition, IReadOnlyDictionary<string, int>? highestRun = null) =>
        Signatures(highestRun).Check([definition]).Refused.SingleOrDefault()?.Code;

    [Fact]
    public void A_masked_definition_signed_v3_runs_and_is_signed_v3_only()
    {
        var signed = TestSigning.SignAllAt(Pessoas(), Now.AddDays(-1));

        Assert.Null(RefusalOf(signed));
        Assert.Equal((null, null), (signed.Signature, signed.SignatureV2));
    }

    [Fact]
    public void A_definition_beyond_v2_with_valid_v1_and_v2_signatures_only_is_refused_because_they_do_not_count_for_it()
    {
        // Signed both old ways over the masked columns (the bytes verify), or with a mode the old formats do not cover
        // at all: an uploader before 0.3 would run either while ignoring the mask or the mode, so only v3 counts.
        var masked = TestSigning.SignAt(Pessoas(), Now.AddDays(-1));
        var plain = TestSigning.SignAt(Pessoas() with { Columns = [new ListColumnDto("id", "integer")] }, Now.AddDays(-1));
        var appendAdded = plain with { Mode = LoadModes.Append };

        Assert.True(ListDefinitionSignature.VerifyV2(masked, Convert.FromBase64String(TestSigning.PublicKey)));
        Assert.True(ListDefinitionSignature.VerifyV2(appendAdded, Convert.FromBase64String(TestSigning.PublicKey)), "v2 does not cover the mode");
        Assert.Equal(DefinitionCodes.BadSignature, RefusalOf(masked));
        Assert.Equal(DefinitionCodes.BadSignature, RefusalOf(appendAdded));
        Assert.Null(RefusalOf(plain));
    }

    [Fact]
    public void A_mask_removed_or_changed_after_a_v3_signature_is_refused_even_though_v1_and_v2_would_verify_the_rest()
    {
        var plain = Pessoas() with { Columns = [new ListColumnDto("id", "integer"), new ListColumnDto("nu_cpf", "text")] };
        var signedPlain = TestSigning.SignAllAt(plain, Now.AddDays(-1)); // v1 + v2 + v3
        var signedMasked = TestSigning.SignAllAt(Pessoas(), Now.AddDays(-1));

        // The catalog's writer turns the hash into a last-digits, or drops it: v3 no longer verifies.
        var weakened = signedMasked with { Columns = [new ListColumnDto("id", "integer"), new ListColumnDto("nu_cpf", "text", Mask: new ColumnMaskDto(MaskKinds.LastDigits, Digits: 11))] };
        var unmasked = signedMasked with { Columns = plain.Columns };
        var v3Broken = signedPlain with { SignatureV3 = signedMasked.SignatureV3 };

        Assert.Equal(DefinitionCodes.BadSignature, RefusalOf(weakened));
        Assert.Equal(DefinitionCodes.BadSignature, RefusalOf(unmasked));
        Assert.Equal(DefinitionCodes.BadSignature, RefusalOf(v3Broken)); // a v3 that does not verify is not saved by a valid v2
        Assert.Null(RefusalOf(signedPlain));
    }

    [Fact]
    public void A_masked_definition_without_any_signature_is_refused_as_unsigned()
    {
        Assert.Equal(DefinitionCodes.NotSigned, RefusalOf(Pessoas()));
    }

    [Fact]
    public void A_v3_definition_signed_longer_ago_than_the_limit_is_refused_as_expired()
    {
        Assert.Equal(DefinitionCodes.Expired, RefusalOf(TestSigning.SignAllAt(Pessoas(), Now.AddDays(-401))));
        Assert.Null(RefusalOf(TestSigning.SignAllAt(Pessoas(), Now.AddDays(-399))));
    }

    [Fact]
    public void An_older_v3_version_than_one_already_run_is_refused_as_a_rollback()
    {
        var highest = new Dictionary<string, int> { ["pessoas"] = 3 };

        Assert.Equal(DefinitionCodes.Rollback, RefusalOf(TestSigning.SignAllAt(Pessoas(version: 2), Now.AddDays(-1)), highest));
        Assert.Null(RefusalOf(TestSigning.SignAllAt(Pessoas(version: 3), Now.AddDays(-1)), highest));
    }

    [Fact]
    public void A_v3_definition_whose_sql_is_more_than_one_statement_is_refused()
    {
        var twoStatements = Pessoas() with { Sql = "SELECT 1 AS id, '1' AS nu_cpf; COMMIT; DELETE FROM tb_cidadao" };

        Assert.Equal(DefinitionCodes.NotOneStatement, RefusalOf(TestSigning.SignAllAt(twoStatements, Now.AddDays(-1))));
    }

    public static TheoryData<string, ListDefinitionDto> FromALaterVersion() => new()
    {
        { "a mask kind", Pessoas(mask: new ColumnMaskDto("encrypt")) },
        { "a truncate unit", Pessoas(mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "minute")) },
        { "a truncate without a unit", Pessoas(mask: new ColumnMaskDto(MaskKinds.Truncate)) },
        { "a last-digits without digits", Pessoas(mask: new ColumnMaskDto(MaskKinds.LastDigits)) },
        { "a source kind", Pessoas() with { Source = new ListSourceDto("mysql") } },
        { "a load mode", Pessoas() with { Mode = "merge" } },
        { "a field format", Pessoas() with { Columns = [new ListColumnDto("id", "integer", Format: "epoch-ns")] } },
        { "a paginator", Pessoas() with { Sql = string.Empty, Source = new ListSourceDto(SourceKinds.Http, Url: "https://api.example.org", Paginator: new PaginatorDto("cursor")) } },
    };

    [Theory]
    [MemberData(nameof(FromALaterVersion))]
    public void A_signed_definition_asking_for_something_this_uploader_does_not_know_is_refused_as_unsupported(string what, ListDefinitionDto definition)
    {
        var refused = Signatures().Check([TestSigning.SignAllAt(definition, Now.AddDays(-1))]).Refused;

        Assert.True(refused.Count == 1 && refused[0].Code == DefinitionCodes.Unsupported, $"{what}: {string.Join(", ", refused.Select(r => r.Code))}");
        Assert.Equal(TestSigning.KeyId, refused[0].KeyId);
    }

    [Fact]
    public async Task An_unsupported_definition_is_not_extracted_the_others_are_and_the_heartbeat_and_log_name_it_in_both_languages()
    {
        var unsupported = TestSigning.SignAllAt(Pessoas(mask: new ColumnMaskDto("encrypt")), Now.AddDays(-1));
        var known = TestSigning.SignAllAt(Pessoas() with { Name = "veiculos", Columns = [new ListColumnDto("id", "integer")] }, Now.AddDays(-1));
        var source = new TextSource(new Dictionary<string, string> { ["pessoas"] = "id,nu_cpf\n1,12345678909\n", ["veiculos"] = "id\n1\n" });
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([unsupported, known])));

        var result = await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now);

        Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode);
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.Contains("/veiculos/", put.Path, StringComparison.Ordinal);
        var heartbeat = PipelineRuns.LastHeartbeat(backend);
        Assert.Equal(DefinitionCodes.Signature, heartbeat.ErrorCode);
        Assert.Equal([new RefusedDefinition("pessoas", 1, DefinitionCodes.Unsupported, TestSigning.KeyId)], heartbeat.RefusedDefinitions!);
        Assert.Contains(result.Events, e => e.Message.Contains($"pessoas v1 NOT RUN ({DefinitionCodes.Unsupported})", StringComparison.Ordinal)
            && e.Message.Contains("Update the uploader", StringComparison.Ordinal));

        using (Localized.Use(Language.Portuguese))
        {
            var message = RunMessages.DefinitionNotRun(PipelineRuns.Site, heartbeat.RefusedDefinitions![0]);
            Assert.Contains($"pessoas v1 NÃO EXECUTADA ({DefinitionCodes.Unsupported})", message, StringComparison.Ordinal);
            Assert.Contains("Atualize o uploader", message, StringComparison.Ordinal);
        }
    }
}
