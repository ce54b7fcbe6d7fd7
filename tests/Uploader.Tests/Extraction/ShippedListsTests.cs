using System.IO.Compression;
using System.Text.Json;
using LocalInfra;
using Npgsql;
using PecLists.Uploader.Extraction;

namespace PecLists.Uploader.Tests;

/// <summary>
/// Every shipped list (lists/*.json + .sql) run on the synthetic PEC database: the header the definition declares, every
/// row, values that fit the declared types, keys that are keys, and populations that match the generator's ground truth.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class ShippedListsTests(PecDatabaseFixture db)
{
    public static TheoryData<string> Lists() => PecDatabaseFixture.ListNames();

    private static async Task<List<string[]>> ExtractAsync(string connectionString, string sql)
    {
        using var destination = new MemoryStream();
        await new ListExtractor(connectionString, 120).ExtractAsync(sql, destination, CompressionLevel.Fastest, null, CancellationToken.None);
        return Csv.Parse(Gzip.Decompress(destination.ToArray()));
    }

    private static string Quote(string column) => "\"" + column + "\"";

    [Fact]
    public void The_five_lists_are_shipped() =>
        Assert.Equal(
            ["citopatologico", "diabeticos", "gestantes", "hipertensos", "vacinacao"],
            Directory.GetFiles(RepoPaths.ListsDirectory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_extracts_as_the_read_only_role_with_its_declared_header_and_every_row(string list)
    {
        var (sql, columns, _) = PecDatabaseFixture.ListDefinition(list);

        var rows = await ExtractAsync(db.ReadOnlyConnectionString, sql);

        Assert.Equal(columns, rows[0]);
        Assert.All(rows, r => Assert.Equal(columns.Count, r.Length));
        var expected = await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q");
        Assert.True(expected > 20, $"{list}: the synthetic municipality should fill the list, got {expected} rows");
        Assert.Equal(expected, rows.Count - 1);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_has_extraction_time_columns_marked_not_compared(string list)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, list + ".json")));
        var columns = json.RootElement.GetProperty("columns").EnumerateArray().ToList();
        var notCompared = columns.Where(c => c.TryGetProperty("compare", out var v) && v.ValueKind == JsonValueKind.False).Select(c => c.GetProperty("name").GetString()).ToList();

        Assert.Contains("dt_extracao", notCompared);
        Assert.Contains("ds_quadrimestre_atual", notCompared);
        Assert.Equal(columns.Count - notCompared.Count, ListComparison.ComparedColumns(json.RootElement).Count);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_list_values_fit_its_declared_types_and_read_back_as_the_same_text(string list)
    {
        // The central table has the declared types: a value too long for varchar(n), or a numeric that would render
        // otherwise, shows here. One transaction, so now() and current_date are the same for both sides.
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, list + ".json")));
        var declared = json.RootElement.GetProperty("columns").EnumerateArray()
            .Select(c => $"{Quote(c.GetProperty("name").GetString()!)} {c.GetProperty("type").GetString()}");
        var (sql, _, _) = PecDatabaseFixture.ListDefinition(list);
        await using var connection = new NpgsqlConnection(db.SuperuserConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand($"CREATE TEMP TABLE declared ({string.Join(", ", declared)}) ON COMMIT DROP", connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var insert = new NpgsqlCommand($"INSERT INTO declared SELECT * FROM (\n{sql}\n) q", connection, transaction))
        {
            Assert.True(await insert.ExecuteNonQueryAsync() > 0);
        }

        await using var differ = new NpgsqlCommand(
            $"SELECT count(*) FROM ((SELECT ROW(q.*)::text FROM (\n{sql}\n) q EXCEPT ALL SELECT ROW(d.*)::text FROM declared d) UNION ALL (SELECT ROW(d.*)::text FROM declared d EXCEPT ALL SELECT ROW(q.*)::text FROM (\n{sql}\n) q)) x",
            connection,
            transaction);
        Assert.Equal(0L, (long)(await differ.ExecuteScalarAsync())!);
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task A_keyed_list_has_no_duplicate_nor_null_key(string list)
    {
        var (sql, _, key) = PecDatabaseFixture.ListDefinition(list);
        if (key.Count == 0)
        {
            Assert.Equal("vacinacao", list);
            return;
        }

        var keys = string.Join(", ", key.Select(k => "q." + Quote(k)));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (SELECT {keys} FROM (\n{sql}\n) q GROUP BY {keys} HAVING count(*) > 1) d"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE {string.Join(" OR ", key.Select(k => $"q.{Quote(k)} IS NULL"))}"));
    }

    [Fact]
    public async Task Citopatologico_holds_every_woman_aged_25_to_64_and_knows_who_was_never_screened()
    {
        var (sql, _, _) = PecDatabaseFixture.ListDefinition("citopatologico");

        Assert.Equal(db.Summary.WomenAged25To64, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q"));
        Assert.Equal(db.Summary.WomenAged25To64NeverScreened, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.ds_situacao = 'NUNCA REALIZOU'"));
        var statuses = await db.ColumnAsync($"SELECT DISTINCT q.ds_situacao::text FROM (\n{sql}\n) q");
        Assert.Subset(new HashSet<string?> { "EM DIA", "VENCE NO QUADRIMESTRE", "EM ATRASO", "NUNCA REALIZOU" }, statuses.ToHashSet());
        Assert.Contains("EM DIA", statuses);
        Assert.Contains("EM ATRASO", statuses);
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.nu_idade NOT BETWEEN 25 AND 64 OR q.dt_nascimento IS NULL"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE (q.ds_situacao = 'EM ATRASO') <> (q.dt_proximo_exame < current_date)"));
    }

    [Fact]
    public async Task Vacinacao_holds_every_child_up_to_16_months_those_without_a_dose_and_a_dose_typed_twice()
    {
        var (sql, _, _) = PecDatabaseFixture.ListDefinition("vacinacao");

        Assert.Equal(db.Summary.ChildrenUpTo16Months, await db.ScalarAsync<long>($"SELECT count(DISTINCT q.id_cidadao) FROM (\n{sql}\n) q"));
        var withoutDose = await db.ScalarAsync<long>(
            $"SELECT count(*) FROM (\n{sql}\n) q WHERE q.co_imunobiologico IS NULL AND q.co_dose IS NULL AND q.dt_aplicacao IS NULL AND q.qt_doses = 0");
        Assert.True(db.Summary.ChildrenUpTo16MonthsWithoutDose > 0);
        Assert.Equal(db.Summary.ChildrenUpTo16MonthsWithoutDose, withoutDose);
        Assert.True(
            await db.ScalarAsync<long>($"SELECT count(*) FROM (SELECT ROW(q.*)::text FROM (\n{sql}\n) q GROUP BY 1 HAVING count(*) > 1) d") > 0,
            "a dose recorded twice should come out as two identical rows");
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.nu_idade_meses > 16 OR q.nu_idade_meses < 0"));
    }

    [Fact]
    public async Task Gestantes_holds_every_prenatal_consultation_birth_and_abortion_and_no_partner()
    {
        var (sql, _, _) = PecDatabaseFixture.ListDefinition("gestantes");

        async Task<long> CountAsync(string tipo) =>
            await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.tipo_registro = '{tipo}'");

        Assert.Equal(db.Summary.PrenatalConsultations, await CountAsync("ATENDIMENTO_PRE_NATAL"));
        Assert.Equal(db.Summary.Births, await CountAsync("PARTO"));
        Assert.Equal(db.Summary.Abortions, await CountAsync("ABORTO"));
        Assert.True(await CountAsync("ATENDIMENTO_ODONTOLOGICO") > 0);
        Assert.True(await CountAsync("TESTE_HIV") > 0);
        Assert.True(await CountAsync("TESTE_SIFILIS") > 0);

        // Partners are tested with the same "gestante ou pai/parceiro" codes; no man is in the list.
        Assert.Equal(0L, await db.ScalarAsync<long>(
            $"SELECT count(*) FROM (\n{sql}\n) q JOIN tb_fat_cidadao_pec c ON c.co_seq_fat_cidadao_pec = q.id_cidadao JOIN tb_dim_sexo s ON s.co_seq_dim_sexo = c.co_dim_sexo WHERE s.ds_sexo = 'MASCULINO'"));
        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.tipo_registro LIKE 'TESTE%' AND q.dt_dum IS NULL"));
    }

    [Fact]
    public async Task Diabeticos_are_self_reported_or_diagnosed_and_some_are_also_hypertensive()
    {
        var (sql, _, _) = PecDatabaseFixture.ListDefinition("diabeticos");
        var (hipertensos, _, _) = PecDatabaseFixture.ListDefinition("hipertensos");

        Assert.Equal(0L, await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE NOT (q.st_diabetes_autorreferido OR q.st_diabetes_diagnosticado)"));
        Assert.True(await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.st_hba1c_solicitada_6m") > 0);
        Assert.True(await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) q WHERE q.co_ciap_diabetes = 'T89'") > 0);
        Assert.True(await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{sql}\n) d JOIN (\n{hipertensos}\n) h ON h.id_cidadao = d.id_cidadao") > 0);
    }

    [Fact]
    public async Task The_comparison_skips_columns_not_compared_and_counts_duplicate_rows()
    {
        var (sql, columns, _) = PecDatabaseFixture.ListDefinition("vacinacao");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, "vacinacao.json")));
        var compared = ListComparison.ComparedColumns(json.RootElement);
        Assert.DoesNotContain("dt_extracao", compared);
        Assert.Contains("dt_aplicacao", compared);

        // A stand-in for the central table: the site's rows as the last snapshot wrote them.
        await db.ExecuteAsync($"DROP TABLE IF EXISTS central_vacinacao; CREATE TABLE central_vacinacao AS SELECT 'X'::text AS site_id, q.* FROM (\n{sql}\n) q");
        Task<ComparisonResult> CompareAsync(IReadOnlyList<string> cols) =>
            ListComparison.CompareAsync(db.SuperuserConnectionString, sql, db.SuperuserConnectionString, "central_vacinacao", "X", cols);

        // Extraction-time values from another run do not make a difference...
        await db.ExecuteAsync("UPDATE central_vacinacao SET dt_extracao = dt_extracao - interval '1 day', dt_referencia = dt_referencia - 1, nu_idade_dias = nu_idade_dias - 1");
        Assert.True((await CompareAsync(compared)).Equal);
        Assert.False((await CompareAsync(columns)).Equal);

        // ...one copy of a row typed twice missing does.
        await db.ExecuteAsync("""
            DELETE FROM central_vacinacao WHERE ctid IN (
                SELECT z.ctid FROM (SELECT c.ctid, row_number() OVER (PARTITION BY ROW(c.*)::text) AS n FROM central_vacinacao c) z
                 WHERE z.n = 2 LIMIT 1)
            """);
        var result = await CompareAsync(compared);
        Assert.False(result.Equal);
        Assert.Equal(1, result.OnlyInSource);
        Assert.Equal(0, result.OnlyInCentral);
    }
}
