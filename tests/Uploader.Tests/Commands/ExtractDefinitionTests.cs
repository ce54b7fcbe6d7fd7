using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Config;

namespace PecLists.Uploader.Tests;

/// <summary>
/// <c>uploader extract --definition</c> against a real PostgreSQL: the file it writes holds the definition's masks, as
/// <c>run</c> would spool it, so a local extract never writes in clear what the list masks.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class ExtractDefinitionTests(PecDatabaseFixture db) : IDisposable
{
    private const string Cpf = "123.456.789-09";
    private const string Name = "José da Conceição";
    private const string Email = "jose.conceicao@example.org";
    private const string KeyId = "2026a";
    private static readonly byte[] Key = [.. Enumerable.Range(0, 32).Select(i => (byte)(i * 11))];

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private UploaderConfig Config(bool withKey) => new()
    {
        Endpoint = "http://127.0.0.1:9/",
        Sites = [new SiteConfig { Ibge = "2304400", Token = "pec_extract" }],
        Database = new DatabaseConfig { ConnectionString = db.ReadOnlyConnectionString },
        SpoolDirectory = _dir.Combine("spool"),
        MaskingKey = withKey ? new MaskingKeySetting { Id = KeyId, Key = Convert.ToBase64String(Key) } : null,
    };

    private string DefinitionFile()
    {
        var definition = new ListDefinitionDto(
            "usuarios", 1,
            $"SELECT 1 AS id, '{Cpf}'::text AS cpf, '{Name}'::text AS nome, '{Email}'::text AS email, 'sem máscara'::text AS obs",
            [
                new ListColumnDto("id", "bigint"),
                new ListColumnDto("cpf", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
                new ListColumnDto("nome", "text", Mask: new ColumnMaskDto(MaskKinds.Redact)),
                new ListColumnDto("email", "text", Mask: new ColumnMaskDto(MaskKinds.Hash)),
                new ListColumnDto("obs", "text"),
            ],
            ["id"]);
        var path = _dir.Combine("usuarios.json");
        File.WriteAllText(path, JsonSerializer.Serialize(definition, ContractsJsonContext.Default.ListDefinitionDto));
        return path;
    }

    /// <summary>The hash mask from its specification (ADR 0022: key id, ':', HMAC-SHA256 in lowercase hex), not the uploader's code.</summary>
    private static string Hashed(string value) => KeyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(value)));

    [Fact]
    public async Task Extract_with_a_definition_writes_its_masked_columns_masked_and_no_clear_value_of_them()
    {
        var output = _dir.Combine("usuarios.csv.gz");
        using var errors = new StringWriter();

        var exit = await ExtractCommand.ExecuteDefinitionAsync(Config(withKey: true), DefinitionFile(), output, CompressionLevel.Fastest, TextWriter.Null, errors, CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, errors.ToString());
        var rows = CsvRecords.Parse(CsvRecords.Gunzip(File.ReadAllBytes(output)));
        Assert.Equal(new string?[] { "id", "cpf", "nome", "email", "obs" }, rows[0]);
        Assert.Equal(new string?[] { "1", Hashed(Cpf), null, Hashed(Email), "sem máscara" }, rows[1]);
        var text = CsvRecords.Gunzip(File.ReadAllBytes(output));
        Assert.DoesNotContain(Cpf, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Name, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Extract_with_a_definition_that_hashes_fails_as_config_without_a_masking_key_and_leaves_no_file()
    {
        var output = _dir.Combine("usuarios.csv.gz");
        using var errors = new StringWriter();

        var exit = await ExtractCommand.ExecuteDefinitionAsync(Config(withKey: false), DefinitionFile(), output, CompressionLevel.Fastest, TextWriter.Null, errors, CancellationToken.None);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("maskingKey", errors.ToString(), StringComparison.Ordinal);
        Assert.False(File.Exists(output));
    }
}
