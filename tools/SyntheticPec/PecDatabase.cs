using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace SyntheticPec;

/// <summary>Creates and fills a synthetic, PEC-shaped reporting database.</summary>
public static class PecDatabase
{
    private static readonly string[] DayNames =
    [
        "DOMINGO", "SEGUNDA-FEIRA", "TERÇA-FEIRA", "QUARTA-FEIRA", "QUINTA-FEIRA", "SEXTA-FEIRA", "SÁBADO",
    ];

    /// <summary>
    /// Creates the PEC-shaped reporting tables (and their indexes) in <c>public</c>. Valid on
    /// PostgreSQL 9.6 and later. Not idempotent: the tables must not exist yet.
    /// </summary>
    public static async Task CreateSchemaAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(PecSchema.Ddl + "\n" + PecSchema.Indexes, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Fills the tables created by <see cref="CreateSchemaAsync"/> from <paramref name="seed"/> with
    /// binary COPY (every value written with an explicit <see cref="NpgsqlDbType"/>, so it works with
    /// <c>Server Compatibility Mode=NoTypeLoading</c>), then runs ANALYZE on them. The same seed
    /// always writes the same rows in the same order. Returns ground truth about the municipality for tests.
    /// </summary>
    public static async Task<PecSummary> PopulateAsync(NpgsqlConnection connection, PecSeed seed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(seed);
        var data = PecGenerator.Generate(seed);
        var ct = cancellationToken;

        await using (var w = await BeginAsync(connection, "tb_dim_tempo (co_seq_dim_tempo, dt_registro, nu_ano, nu_mes, nu_dia, nu_dia_semana, ds_dia_semana)", ct))
        {
            for (var day = data.FirstDay; day <= data.LastDay; day = day.AddDays(1))
            {
                await WriteTempoAsync(w, PecGenerator.TempoKey(day), day, ct);
            }

            await WriteTempoAsync(w, PecGenerator.NoDate, new DateOnly(3000, 12, 31), ct);
            await w.CompleteAsync(ct);
        }

        await CopyCodesAsync(connection, "tb_dim_sexo (co_seq_dim_sexo, sg_sexo, ds_sexo)", data.Sexos, validFlag: false, ct);
        await CopyCodesAsync(connection, "tb_dim_equipe (co_seq_dim_equipe, nu_ine, no_equipe, st_registro_valido)", data.Equipes, validFlag: true, ct);
        await CopyCodesAsync(connection, "tb_dim_unidade_saude (co_seq_dim_unidade_saude, nu_cnes, no_unidade_saude, st_registro_valido)", data.Unidades, validFlag: true, ct);
        await CopyCodesAsync(connection, "tb_dim_cbo (co_seq_dim_cbo, nu_cbo, no_cbo)", data.Cbos, validFlag: false, ct);
        await CopyCodesAsync(connection, "tb_dim_cid (co_seq_dim_cid, nu_cid, no_cid)", data.Cids, validFlag: false, ct);
        await CopyCodesAsync(connection, "tb_dim_ciap (co_seq_dim_ciap, nu_ciap, ds_ciap)", data.Ciaps, validFlag: false, ct);

        await using (var w = await BeginAsync(connection, "tb_dim_profissional (co_seq_dim_profissional, nu_cns, no_profissional, st_registro_valido)", ct))
        {
            foreach (var p in data.Profissionais)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Cns, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(p.Name, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(1, NpgsqlDbType.Integer, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_dim_municipio (co_seq_dim_municipio, co_ibge, no_municipio, sg_uf)", ct))
        {
            foreach (var m in data.Municipios)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(m.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(m.Ibge, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(m.Name, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(m.Uf, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_cidadao_pec (co_seq_fat_cidadao_pec, no_cidadao, no_social_cidadao, co_dim_tempo_nascimento, co_dim_sexo, nu_cpf_cidadao, nu_cns, nu_telefone_celular, st_faleceu, co_dim_municipio)", ct))
        {
            foreach (var c in data.Cidadaos)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(c.Id, NpgsqlDbType.Bigint, ct);
                await TextAsync(w, c.Name, ct);
                await TextAsync(w, c.SocialName, ct);
                await w.WriteAsync(c.Birth, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Sexo, NpgsqlDbType.Bigint, ct);
                await TextAsync(w, c.Cpf, ct);
                await TextAsync(w, c.Cns, ct);
                await TextAsync(w, c.Phone, ct);
                await w.WriteAsync(c.Faleceu, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(c.Municipio, NpgsqlDbType.Bigint, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_cad_individual (co_seq_fat_cad_individual, co_fat_cidadao_pec, co_dim_tempo, st_hipertensao_arterial, st_diabete, co_dim_equipe, co_dim_unidade_saude, co_dim_profissional, co_dim_cbo, nu_uuid_ficha)", ct))
        {
            foreach (var c in data.Cadastros)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(c.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, c.Cidadao, ct);
                await w.WriteAsync(c.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Hipertensao, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(c.Diabete, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(c.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(c.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_atendimento_individual (co_seq_fat_atd_ind, co_fat_cidadao_pec, co_dim_tempo, co_dim_tempo_dum, co_dim_cbo_1, co_dim_profissional_1, co_dim_equipe_1, co_dim_unidade_saude_1, dt_inicial_atendimento, nu_pressao_sistolica, nu_pressao_diastolica, nu_peso, nu_altura, nu_idade_gestacional_semanas, nu_uuid_ficha)", ct))
        {
            foreach (var a in data.Atendimentos)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(a.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, a.Cidadao, ct);
                await w.WriteAsync(a.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Dum, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(a.Start, NpgsqlDbType.Timestamp, ct);
                await IntegerAsync(w, a.Sistolica, ct);
                await IntegerAsync(w, a.Diastolica, ct);
                await NumericAsync(w, a.Peso, ct);
                await NumericAsync(w, a.Altura, ct);
                await IntegerAsync(w, a.IdadeGestacional, ct);
                await w.WriteAsync(a.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_atd_ind_problemas (co_seq_fat_atd_ind_problemas, co_fat_atd_ind, co_dim_cid, co_dim_ciap)", ct))
        {
            foreach (var p in data.Problemas)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Atendimento, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Cid, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Ciap, NpgsqlDbType.Bigint, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_visita_domiciliar (co_seq_fat_visita_domiciliar, co_fat_cidadao_pec, co_dim_tempo, co_dim_profissional, co_dim_cbo, co_dim_equipe, co_dim_unidade_saude, nu_uuid_ficha)", ct))
        {
            foreach (var v in data.Visitas)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(v.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, v.Cidadao, ct);
                await w.WriteAsync(v.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await PopulateProgrammesAsync(connection, data, ct);

        await using (var w = await BeginAsync(connection, "tb_config_sistema (co_chave, ds_texto, nu_valor)", ct))
        {
            foreach (var (key, value) in data.Config)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(key, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(value, NpgsqlDbType.Varchar, ct);
                await w.WriteNullAsync(ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_migracao (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum, description, comments, tag, liquibase)", ct))
        {
            foreach (var m in data.Migracoes)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(m.Id, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync("esus", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(m.Filename, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(m.Executed, NpgsqlDbType.Timestamp, ct);
                await w.WriteAsync(m.Order, NpgsqlDbType.Integer, ct);
                await w.WriteAsync("EXECUTED", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(m.Md5, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync("sql", NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(string.Empty, NpgsqlDbType.Varchar, ct);
                await w.WriteNullAsync(ct);
                await w.WriteAsync("3.5.3", NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_relatorio_processamento (co_seq_relatorio_processamento, dt_processamento, dt_inicio_processamento, ds_situacao)", ct))
        {
            foreach (var p in data.Processamentos)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.End, NpgsqlDbType.Timestamp, ct);
                await w.WriteAsync(p.Start, NpgsqlDbType.Timestamp, ct);
                await w.WriteAsync("CONCLUIDO", NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        // One ANALYZE per table: a list of tables in one ANALYZE needs PostgreSQL 11.
        await using var analyze = new NpgsqlCommand(string.Concat(PecSchema.Tables.Select(t => "ANALYZE " + t + ";\n")), connection);
        await analyze.ExecuteNonQueryAsync(ct);
        return data.Summary;
    }

    private static async Task PopulateProgrammesAsync(NpgsqlConnection connection, PecData data, CancellationToken ct)
    {
        await CopyCodesAsync(connection, "tb_dim_procedimento (co_seq_dim_procedimento, co_proced, ds_proced)", data.Procedimentos, validFlag: false, ct);
        await CopyCodesAsync(connection, "tb_dim_dose_imunobiologico (co_seq_dim_dose_imunobiologico, nu_identificador, no_dose_imunobiologico)", data.Doses, validFlag: false, ct);
        await using (var w = await BeginAsync(connection, "tb_dim_imunobiologico (co_seq_dim_imunobiologico, nu_identificador, sg_imunobiologico, no_imunobiologico)", ct))
        {
            foreach (var i in data.Imunobiologicos)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(i.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(i.Code, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(i.Sigla, NpgsqlDbType.Varchar, ct);
                await w.WriteAsync(i.Name, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_atd_ind_procedimentos (co_seq_fat_atd_ind_procedimentos, co_fat_atd_ind, co_dim_procedimento_avaliado, co_dim_procedimento_solicitado)", ct))
        {
            foreach (var p in data.AtdProcedimentos)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Atendimento, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Avaliado, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Solicitado, NpgsqlDbType.Bigint, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_proced_atend_proced (co_seq_fat_proced_atend_proced, co_fat_cidadao_pec, co_dim_tempo, co_dim_procedimento, co_dim_profissional, co_dim_cbo, co_dim_equipe, co_dim_unidade_saude, nu_uuid_ficha)", ct))
        {
            foreach (var p in data.Proced)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(p.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, p.Cidadao, ct);
                await w.WriteAsync(p.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Procedimento, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(p.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_atendimento_odonto (co_seq_fat_atd_odnt, co_fat_cidadao_pec, co_dim_tempo, co_dim_profissional_1, co_dim_cbo_1, co_dim_equipe_1, co_dim_unidade_saude_1, dt_inicial_atendimento, st_gestante, nu_uuid_ficha)", ct))
        {
            foreach (var o in data.Odonto)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(o.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, o.Cidadao, ct);
                await w.WriteAsync(o.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(o.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(o.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(o.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(o.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(o.Start, NpgsqlDbType.Timestamp, ct);
                await w.WriteAsync(o.Gestante, NpgsqlDbType.Integer, ct);
                await w.WriteAsync(o.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_vacinacao (co_seq_fat_vacinacao, co_fat_cidadao_pec, co_dim_tempo, co_dim_profissional, co_dim_cbo, co_dim_equipe, co_dim_unidade_saude, nu_uuid_ficha)", ct))
        {
            foreach (var v in data.Vacinacoes)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(v.Id, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, v.Cidadao, ct);
                await w.WriteAsync(v.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Profissional, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Cbo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Equipe, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Unidade, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Uuid, NpgsqlDbType.Varchar, ct);
            }

            await w.CompleteAsync(ct);
        }

        await using (var w = await BeginAsync(connection, "tb_fat_vacinacao_vacina (co_seq_fat_vacinacao_vacina, co_fat_vacinacao, co_fat_cidadao_pec, co_dim_tempo, co_dim_imunobiologico, co_dim_dose_imunobiologico)", ct))
        {
            foreach (var v in data.Vacinas)
            {
                await w.StartRowAsync(ct);
                await w.WriteAsync(v.Id, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Vacinacao, NpgsqlDbType.Bigint, ct);
                await BigintAsync(w, v.Cidadao, ct);
                await w.WriteAsync(v.Tempo, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Imunobiologico, NpgsqlDbType.Bigint, ct);
                await w.WriteAsync(v.Dose, NpgsqlDbType.Bigint, ct);
            }

            await w.CompleteAsync(ct);
        }
    }

    /// <summary>
    /// Creates (or, when it already exists in the cluster, updates) a login role with SELECT on every
    /// table in <c>public</c> and nothing else, like PEC's <c>esus_leitura</c>. Also revokes CREATE on
    /// <c>public</c> from PUBLIC (PostgreSQL 15's default; on 9.6–14 everyone could create there), so
    /// the role cannot create objects.
    /// </summary>
    public static async Task CreateReadOnlyRoleAsync(NpgsqlConnection connection, string role, string password, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(role);
        ArgumentNullException.ThrowIfNull(password);

        bool exists;
        await using (var check = new NpgsqlCommand("SELECT count(*) FROM pg_catalog.pg_roles WHERE rolname = @role", connection))
        {
            check.Parameters.Add(new NpgsqlParameter("role", NpgsqlDbType.Text) { Value = role });
            exists = Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }

        var ident = QuoteIdentifier(role);
        var sql = new StringBuilder();
        sql.Append(exists ? "ALTER ROLE " : "CREATE ROLE ").Append(ident)
            .Append(" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD ")
            .Append(QuoteLiteral(password)).Append(";\n");
        sql.Append("GRANT CONNECT ON DATABASE ").Append(QuoteIdentifier(connection.Database)).Append(" TO ").Append(ident).Append(";\n");
        sql.Append("GRANT USAGE ON SCHEMA public TO ").Append(ident).Append(";\n");
        sql.Append("GRANT SELECT ON ALL TABLES IN SCHEMA public TO ").Append(ident).Append(";\n");
        sql.Append("REVOKE CREATE ON SCHEMA public FROM PUBLIC;\n");
        await using var command = new NpgsqlCommand(sql.ToString(), connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    // E'' syntax: correct whatever standard_conforming_strings says.
    internal static string QuoteLiteral(string value) =>
        "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";

    private static Task<NpgsqlBinaryImporter> BeginAsync(NpgsqlConnection connection, string tableAndColumns, CancellationToken ct) =>
        connection.BeginBinaryImportAsync("COPY " + tableAndColumns + " FROM STDIN (FORMAT BINARY)", ct);

    private static async Task WriteTempoAsync(NpgsqlBinaryImporter w, long key, DateOnly day, CancellationToken ct)
    {
        await w.StartRowAsync(ct);
        await w.WriteAsync(key, NpgsqlDbType.Bigint, ct);
        await w.WriteAsync(day, NpgsqlDbType.Date, ct);
        await w.WriteAsync(day.Year, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(day.Month, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(day.Day, NpgsqlDbType.Integer, ct);
        await w.WriteAsync((int)day.DayOfWeek + 1, NpgsqlDbType.Integer, ct);
        await w.WriteAsync(DayNames[(int)day.DayOfWeek], NpgsqlDbType.Varchar, ct);
    }

    private static async Task CopyCodesAsync(NpgsqlConnection connection, string tableAndColumns, IReadOnlyList<CodeRow> rows, bool validFlag, CancellationToken ct)
    {
        await using var w = await BeginAsync(connection, tableAndColumns, ct);
        foreach (var row in rows)
        {
            await w.StartRowAsync(ct);
            await w.WriteAsync(row.Id, NpgsqlDbType.Bigint, ct);
            await w.WriteAsync(row.Code, NpgsqlDbType.Varchar, ct);
            await w.WriteAsync(row.Name, NpgsqlDbType.Varchar, ct);
            if (validFlag)
            {
                await w.WriteAsync(1, NpgsqlDbType.Integer, ct);
            }
        }

        await w.CompleteAsync(ct);
    }

    private static Task TextAsync(NpgsqlBinaryImporter w, string? value, CancellationToken ct) =>
        value is null ? w.WriteNullAsync(ct) : w.WriteAsync(value, NpgsqlDbType.Varchar, ct);

    private static Task BigintAsync(NpgsqlBinaryImporter w, long? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Bigint, ct) : w.WriteNullAsync(ct);

    private static Task IntegerAsync(NpgsqlBinaryImporter w, int? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Integer, ct) : w.WriteNullAsync(ct);

    private static Task NumericAsync(NpgsqlBinaryImporter w, decimal? value, CancellationToken ct) =>
        value is { } v ? w.WriteAsync(v, NpgsqlDbType.Numeric, ct) : w.WriteNullAsync(ct);
}
