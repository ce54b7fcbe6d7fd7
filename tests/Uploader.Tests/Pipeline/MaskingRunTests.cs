using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Pipeline;

namespace PecLists.Uploader.Tests.Pipeline;

/// <summary>
/// Masks in a run: what is sent (and what waits in the spool) holds the masked values only; a list that hashes without
/// a configured key is a config failure of that list alone, named in both languages; the key is validated at load
/// and never printed by doctor, status or a config error.
/// </summary>
public sealed class MaskingRunTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private static readonly string KeyText = Convert.ToBase64String([.. Enumerable.Range(100, 32).Select(i => (byte)i)]);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ListDefinitionDto Pessoas => new(
        "pessoas", 1, "SELECT …",
        [
            new ListColumnDto("id", "bigint"),
            new ListColumnDto("nu_cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
            new ListColumnDto("no_cidadao", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
            new ListColumnDto("dt_nascimento", "date", Mask: new ColumnMaskDto(MaskKinds.Truncate, Unit: "month")),
        ],
        ["id"]);

    private const string PessoasCsv = "id,nu_cpf,no_cidadao,dt_nascimento\n1,12345678909,Maria da Conceição,1987-06-15\n";

    private static MaskingKeySetting Setting => new() { Id = "2026a", Key = KeyText };

    [Fact]
    public async Task What_is_sent_holds_the_masked_values_and_no_clear_one()
    {
        var source = new TextSource(new Dictionary<string, string> { ["pessoas"] = PessoasCsv });
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([TestSigning.SignAllAt(Pessoas, Now.AddDays(-1))])));

        var result = await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now, c => c.MaskingKey = Setting);

        Assert.Equal(ExitCodes.Ok, result.ExitCode);
        var sent = CsvRecords.Gunzip(Assert.Single(backend.Requests, r => r.Method == "PUT").Body);
        using var hash = new HashMask("nu_cpf", new MaskingKey("2026a", Convert.FromBase64String(KeyText)));
        Assert.Equal<IEnumerable<string?>>(["1", hash.Mask("12345678909"), null, "1987-06-01"], CsvRecords.Parse(sent)[1]);
        Assert.DoesNotContain("12345678909", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("Maria", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("1987-06-15", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_that_hashes_without_a_configured_key_fails_as_config_alone_and_says_what_to_add_in_both_languages()
    {
        var plain = TestSigning.SignAllAt(new ListDefinitionDto("veiculos", 1, "SELECT 1 AS id", [new ListColumnDto("id", "integer")], ["id"]), Now.AddDays(-1));
        var source = new TextSource(new Dictionary<string, string> { ["pessoas"] = PessoasCsv, ["veiculos"] = "id\n1\n" });
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([TestSigning.SignAllAt(Pessoas, Now.AddDays(-1)), plain])));

        var result = await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now);

        Assert.Equal(ExitCodes.Config, result.ExitCode);
        Assert.Equal(FailureCategories.Config, PipelineRuns.LastHeartbeat(backend).ErrorCode);
        Assert.Contains("/veiculos/", Assert.Single(backend.Requests, r => r.Method == "PUT").Path, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz*", SearchOption.AllDirectories)); // nothing of pessoas was spooled
        Assert.Contains(result.Events, e => e.Message.Contains("pessoas NOT EXTRACTED: it hashes column nu_cpf and the config has no 'maskingKey'", StringComparison.Ordinal));
        using (Localized.Use(Language.Portuguese))
        {
            var message = RunMessages.NotMasked(PipelineRuns.Site, "pessoas", new MaskingException("nu_cpf", MaskFailure.NoKey));
            Assert.Contains("pessoas NÃO EXTRAÍDA: ela mascara a coluna nu_cpf por hash e a configuração não tem 'maskingKey'", message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_truncated_column_holding_a_value_that_is_not_a_date_sends_nothing_of_the_list_and_never_quotes_the_value()
    {
        var source = new TextSource(new Dictionary<string, string> { ["pessoas"] = "id,nu_cpf,no_cidadao,dt_nascimento\n1,123,Ana,nascida em 15/06/1987\n" });
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([TestSigning.SignAllAt(Pessoas, Now.AddDays(-1))])));

        var result = await PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now, c => c.MaskingKey = Setting);

        Assert.Equal(ExitCodes.Database, result.ExitCode);
        Assert.Equal(FailureCategories.SourceSchema, PipelineRuns.LastHeartbeat(backend).ErrorCode);
        Assert.DoesNotContain(backend.Requests, r => r.Method == "PUT");
        Assert.Empty(Directory.GetFiles(_dir.Combine("spool"), "*.csv.gz*", SearchOption.AllDirectories));
        Assert.Contains(result.Events, e => e.Message.Contains("column dt_nascimento is truncated as a date, but holds a value that is not a date", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Events, e => e.Message.Contains("15/06/1987", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("2026a", "c2hvcnQ=", "'maskingKey.key' must be base64 of at least 32 bytes")] // "short"
    [InlineData("2026a", "not base64 at all!", "'maskingKey.key' must be base64 of at least 32 bytes")]
    [InlineData("Chave 2026", null, "'maskingKey.id' must be 1 to 16 lowercase letters")]
    public void A_masking_key_that_is_too_short_not_base64_or_badly_named_is_a_config_error_that_does_not_quote_it(string id, string? key, string problem)
    {
        var config = Valid();
        config.MaskingKey = new MaskingKeySetting { Id = id, Key = key ?? KeyText };

        var problems = config.Validate();

        Assert.Contains(problems, p => p.Contains(problem, StringComparison.Ordinal));
        Assert.DoesNotContain(problems, p => p.Contains(config.MaskingKey.Key, StringComparison.Ordinal));
        Assert.Null(config.ReadMaskingKey());
    }

    [Fact]
    public void A_valid_masking_key_loads_from_the_config_file_and_an_absent_one_is_no_error()
    {
        var path = _dir.Combine("config.json");
        File.WriteAllText(path, $$"""
            {
              "endpoint": "https://ingest.example.org",
              "sites": [ { "ibge": "2304400", "token": "tok-1" } ],
              "database": { "connectionString": "Host=pec" },
              "listSigningKey": "{{TestSigning.PublicKey}}",
              "maskingKey": { "id": "2026a", "key": "{{KeyText}}" }
            }
            """);

        var key = UploaderConfig.Load(path).ReadMaskingKey();

        Assert.Equal("2026a", key?.Id);
        Assert.Empty(Valid().Validate());
        Assert.Null(Valid().ReadMaskingKey());
    }

    [Fact]
    public async Task Status_never_prints_the_masking_key()
    {
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([])));
        var config = Valid();
        config.Endpoint = backend.Endpoint.ToString();
        config.MaskingKey = Setting;
        config.SpoolDirectory = _dir.Combine("spool");
        config.LogDirectory = _dir.Combine("logs");
        using var output = new StringWriter();

        await new StatusCommand(config, output).ExecuteAsync(CancellationToken.None);

        Assert.NotEmpty(output.ToString());
        Assert.DoesNotContain(KeyText, output.ToString(), StringComparison.Ordinal);
    }

    private static UploaderConfig Valid() => new()
    {
        Endpoint = "https://pec.example.org",
        Sites = [new SiteConfig { Ibge = PipelineRuns.Site, Token = "tok" }],
        Database = new DatabaseConfig { ConnectionString = "Host=127.0.0.1" },
        ListSigningKey = TestSigning.PublicKey,
    };
}
