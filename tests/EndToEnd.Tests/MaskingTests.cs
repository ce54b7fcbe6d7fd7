using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests;

/// <summary>
/// Issue 22's masking, end to end: a v3-signed hipertensos with nu_cpf hashed, no_cidadao redacted, dt_nascimento
/// truncated to its month and nu_telefone_celular cut to its last 4 digits, run by the real uploader against a synthetic
/// PEC database, through the host stand-in, Azurite and the loader into the central PostgreSQL. No clear CPF, name,
/// birth date or phone of the source is anywhere afterwards: the spool, the blobs, the central database, the uploader's
/// output and log files, the function app's log, the telemetry. The central masked values are those computed here from
/// the source's values with the same key (HMAC-SHA256, written independently of the uploader's code), so joins work.
/// </summary>
public sealed class MaskingTests
{
    private const string List = "hipertensos";
    private const string KeyId = "2026a";
    private static readonly byte[] Key = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public async Task A_masked_list_leaves_no_clear_personal_value_anywhere_and_its_central_values_are_the_masks_of_the_source()
    {
        await using var appInsights = FakeAppInsights.Start();
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] }.WithTelemetryTo(appInsights));
        var site = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 400, seed: 22);
        await PublishMaskedAsync(pipeline);
        WithMaskingKey(site.ConfigPath, endpoint: null);

        var sent = await pipeline.RunUploaderAsync(site);
        Assert.True(sent.ExitCode == 0, sent.Combined);
        var loaded = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3));
        Assert.Equal(("hipertensos", "loaded"), (Assert.Single(loaded).List, loaded[0].Status));

        // A second run with the backend out of reach: its snapshot stays in the spool (from the cached catalog), to be read.
        WithMaskingKey(site.ConfigPath, endpoint: $"http://127.0.0.1:{FreePort.Next()}/");
        var spooled = await pipeline.RunUploaderAsync(site);
        Assert.True(spooled.ExitCode == 3, spooled.Combined); // network: kept for the next run
        var spoolFiles = Directory.GetFiles(site.SpoolDirectory, "*", SearchOption.AllDirectories);
        Assert.Single(spoolFiles, f => f.EndsWith(".csv.gz", StringComparison.Ordinal));

        var source = await SourceRowsAsync(pipeline, site);
        var central = await CentralRowsAsync(pipeline, site);

        // The central values are the source's, masked as specified, row by row.
        Assert.Equal(source.Keys.Order(), central.Keys.Order());
        foreach (var (id, row) in source)
        {
            Assert.Equal(Expected(row), central[id]);
        }

        Assert.Contains(central.Values, r => r.Cpf is not null && r.Cpf.StartsWith(KeyId + ":", StringComparison.Ordinal));

        // No clear value anywhere. A value that also appears inside an unmasked column of the source (a CNS holding a
        // CPF's digits, a professional named like a citizen) is not searched: finding it would not be a leak.
        var unmasked = await UnmaskedSourceTextAsync(pipeline, site);
        var clear = source.Values
            .SelectMany(r => new[] { r.Cpf, r.Name, r.Phone, r.BirthDate is { Day: not 1 } birth ? birth.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null })
            .OfType<string>()
            .Where(v => v.Length >= 6 && !unmasked.Contains(v, StringComparison.Ordinal))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        Assert.True(clear.Count > source.Count * 2, $"only {clear.Count} clear values to search for {source.Count} rows");

        // The search finds what is there: the same list extracted locally without masks holds every clear value
        // searched for, and with the same masks given to 'uploader extract' none.
        var clearExtract = await ExtractAsync(site, masked: false);
        Assert.All(clear, v => Assert.Contains(v, clearExtract, StringComparison.Ordinal));
        var maskedExtract = await ExtractAsync(site, masked: true);
        Assert.DoesNotContain(clear, v => maskedExtract.Contains(v, StringComparison.Ordinal));

        var places = new Dictionary<string, string>
        {
            ["spool files"] = string.Join('\n', spoolFiles.Select(ReadMaybeGzip)),
            ["blobs"] = await BlobsTextAsync(pipeline),
            ["central database"] = await CentralText.AllTablesAsync(pipeline.CentralConnection),
            ["uploader output"] = sent.Combined + '\n' + spooled.Combined,
            ["uploader logs"] = string.Join('\n', Directory.GetFiles(Path.Combine(Path.GetDirectoryName(site.SpoolDirectory)!, "logs"), "*", SearchOption.AllDirectories).Select(File.ReadAllText)),
            ["function app log"] = pipeline.FunctionsLog,
            ["telemetry"] = appInsights.AllText,
        };
        Assert.Contains(central.Values.First(r => r.Cpf is { Length: > 0 }).Cpf!, places["blobs"], StringComparison.Ordinal); // the search reads real content
        Assert.Contains(central.Values.First(r => r.Cpf is { Length: > 0 }).Cpf!, places["spool files"], StringComparison.Ordinal);
        var leaks = (from place in places from value in clear where place.Value.Contains(value, StringComparison.Ordinal) select place.Key).Distinct().ToList();
        Assert.True(leaks.Count == 0, $"clear personal values found in: {string.Join(", ", leaks)}");
    }

    /// <summary>The list as <c>uploader extract</c> writes it, decompressed: clear, or with the definition's four masks as --mask options.</summary>
    private static async Task<string> ExtractAsync(Municipality site, bool masked)
    {
        var output = Path.Combine(Path.GetDirectoryName(site.SpoolDirectory)!, masked ? "masked.csv.gz" : "clear.csv.gz");
        string[] masks = masked ? ["--mask", "nu_cpf=hash", "--mask", "no_cidadao=redact", "--mask", "dt_nascimento=truncate:month", "--mask", "nu_telefone_celular=last-digits:4"] : [];
        var run = await ProcessRunner.RunAsync(
            "dotnet", [RepoPaths.UploaderDll, "extract", "--config", site.ConfigPath, "--sql-file", Path.Combine(RepoPaths.ListsDirectory, List + ".sql"), "--out", output, .. masks],
            environment: UploaderLocale.Environment(UploaderLocale.English), timeout: TimeSpan.FromMinutes(3));
        Assert.True(run.ExitCode == 0, run.Combined);
        var text = ReadMaybeGzip(output);
        File.Delete(output);
        return text;
    }

    private sealed record Person(string? Cpf, string? Name, DateOnly? BirthDate, string? Phone);

    /// <summary>The masks, computed here from the specification (not with the uploader's code).</summary>
    private static Person Expected(Person clear) => new(
        clear.Cpf is { Length: > 0 } cpf ? KeyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(cpf))) : clear.Cpf,
        null,
        clear.BirthDate is { } birth ? new DateOnly(birth.Year, birth.Month, 1) : null,
        clear.Phone is { Length: > 4 } phone ? new string('*', phone.Length - 4) + phone[^4..] : clear.Phone);

    /// <summary>hipertensos.json with four masks, signed v3 with the pipeline's key (only v3: it uses masks) and published.</summary>
    private static async Task PublishMaskedAsync(LocalPipeline pipeline)
    {
        var definition = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, List + ".json")))!.AsObject();
        definition["sql"] = (await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, definition["sqlFile"]!.GetValue<string>()))).Trim();
        definition.Remove("sqlFile");
        var masks = new Dictionary<string, JsonObject>
        {
            ["nu_cpf"] = new() { ["kind"] = MaskKinds.Hash },
            ["no_cidadao"] = new() { ["kind"] = MaskKinds.Redact },
            ["dt_nascimento"] = new() { ["kind"] = MaskKinds.Truncate, ["unit"] = "month" },
            ["nu_telefone_celular"] = new() { ["kind"] = MaskKinds.LastDigits, ["digits"] = 4 },
        };
        foreach (var column in definition["columns"]!.AsArray().Select(c => c!.AsObject()))
        {
            if (masks.TryGetValue(column["name"]!.GetValue<string>(), out var mask))
            {
                column["mask"] = mask;
            }
        }

        var dto = new ListDefinitionDto(
            definition["name"]!.GetValue<string>(), definition["version"]!.GetValue<int>(), definition["sql"]!.GetValue<string>(),
            definition["columns"].Deserialize<List<ListColumnDto>>(JsonSerializerOptions.Web)!, definition["key"].Deserialize<List<string>>()!);
        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(pipeline.ListSigningPrivateKeyPath));
        var signed = ListDefinitionSignature.SignAll(dto, key, DateTimeOffset.UtcNow);
        Assert.Null(signed.Signature); // beyond v2: an uploader before 0.3 finds nothing it can verify
        definition["signedAt"] = signed.SignedAt!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        definition["signatureV3"] = signed.SignatureV3;
        var file = Path.Combine(Path.GetDirectoryName(pipeline.ListSigningPrivateKeyPath)!, "hipertensos-masked.json");
        await File.WriteAllTextAsync(file, definition.ToJsonString());
        await pipeline.FunctionsCommandAsync(["lists", "publish", "--file", file, "--as", "masking-test"]);
    }

    /// <summary>The site's config with the fleet's masking key (and another endpoint when given).</summary>
    private static void WithMaskingKey(string configPath, string? endpoint)
    {
        var config = JsonNode.Parse(File.ReadAllText(configPath))!.AsObject();
        config["maskingKey"] = new JsonObject { ["id"] = KeyId, ["key"] = Convert.ToBase64String(Key) };
        if (endpoint is not null)
        {
            config["endpoint"] = endpoint;
        }

        File.WriteAllText(configPath, config.ToJsonString());
    }

    private static async Task<Dictionary<long, Person>> SourceRowsAsync(LocalPipeline pipeline, Municipality site)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, List + ".sql"));
        return await PeopleAsync(pipeline.Municipal.ConnectionString(site.Database), $"SELECT id_cidadao, nu_cpf, no_cidadao, dt_nascimento, nu_telefone_celular FROM (\n{sql.Trim()}\n) q", null);
    }

    private static Task<Dictionary<long, Person>> CentralRowsAsync(LocalPipeline pipeline, Municipality site) =>
        PeopleAsync(pipeline.CentralConnection, $"SELECT id_cidadao, nu_cpf, no_cidadao, dt_nascimento, nu_telefone_celular FROM lists.{List} WHERE site_id = @site", site.Ibge);

    private static async Task<Dictionary<long, Person>> PeopleAsync(string connectionString, string sql, string? site)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        if (site is not null)
        {
            command.Parameters.AddWithValue("site", site);
        }

        var people = new Dictionary<long, Person>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            people[reader.GetInt64(0)] = new Person(
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateOnly>(3),
                reader.IsDBNull(4) ? null : reader.GetString(4));
        }

        return people;
    }

    /// <summary>Every value of the source's list in a column the definition does not mask.</summary>
    private static async Task<string> UnmaskedSourceTextAsync(LocalPipeline pipeline, Municipality site)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, List + ".sql"));
        await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(site.Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT string_agg(v.value, E'\\n') FROM (\n{sql.Trim()}\n) q, jsonb_each_text(to_jsonb(q) - 'nu_cpf' - 'no_cidadao' - 'dt_nascimento' - 'nu_telefone_celular') v", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<string> BlobsTextAsync(LocalPipeline pipeline)
    {
        var text = new StringBuilder();
        var service = new BlobServiceClient(pipeline.Storage.ConnectionString);
        await foreach (var container in service.GetBlobContainersAsync())
        {
            var client = service.GetBlobContainerClient(container.Name);
            await foreach (var blob in client.GetBlobsAsync())
            {
                var content = (await client.GetBlobClient(blob.Name).DownloadContentAsync()).Value.Content.ToArray();
                text.AppendLine(Decoded(content));
            }
        }

        Assert.NotEqual(0, text.Length);
        return text.ToString();
    }

    private static string ReadMaybeGzip(string path) => Decoded(File.ReadAllBytes(path));

    /// <summary>The bytes as UTF-8 text, gunzipped first when they are gzip.</summary>
    private static string Decoded(byte[] bytes)
    {
        if (bytes is not [0x1f, 0x8b, ..])
        {
            return Encoding.UTF8.GetString(bytes);
        }

        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(gzip, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
