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

        var days = new List<(long Key, DateOnly Day)>();
        for (var day = data.FirstDay; day <= data.LastDay; day = day.AddDays(1))
        {
            days.Add((PecGenerator.TempoKey(day), day));
        }

        days.Add((PecGenerator.NoDate, new DateOnly(3000, 12, 31)));
        await Copy("tb_dim_tempo", days)
            .Bigint("co_seq_dim_tempo", d => d.Key).Date("dt_registro", d => d.Day)
            .Integer("nu_ano", d => d.Day.Year).Integer("nu_mes", d => d.Day.Month).Integer("nu_dia", d => d.Day.Day)
            .Integer("nu_dia_semana", d => (int)d.Day.DayOfWeek + 1).Varchar("ds_dia_semana", d => DayNames[(int)d.Day.DayOfWeek])
            .RunAsync(connection, ct);

        await Codes("tb_dim_sexo", "co_seq_dim_sexo", "sg_sexo", "ds_sexo", data.Sexos).RunAsync(connection, ct);
        await Codes("tb_dim_equipe", "co_seq_dim_equipe", "nu_ine", "no_equipe", data.Equipes).Integer("st_registro_valido", _ => 1).RunAsync(connection, ct);
        await Codes("tb_dim_unidade_saude", "co_seq_dim_unidade_saude", "nu_cnes", "no_unidade_saude", data.Unidades).Integer("st_registro_valido", _ => 1).RunAsync(connection, ct);
        await Codes("tb_dim_cbo", "co_seq_dim_cbo", "nu_cbo", "no_cbo", data.Cbos).RunAsync(connection, ct);
        await Codes("tb_dim_cid", "co_seq_dim_cid", "nu_cid", "no_cid", data.Cids).RunAsync(connection, ct);
        await Codes("tb_dim_ciap", "co_seq_dim_ciap", "nu_ciap", "ds_ciap", data.Ciaps).RunAsync(connection, ct);

        await Copy("tb_dim_profissional", data.Profissionais)
            .Bigint("co_seq_dim_profissional", p => p.Id).Varchar("nu_cns", p => p.Cns).Varchar("no_profissional", p => p.Name)
            .Integer("st_registro_valido", _ => 1)
            .RunAsync(connection, ct);

        await Copy("tb_dim_municipio", data.Municipios)
            .Bigint("co_seq_dim_municipio", m => m.Id).Varchar("co_ibge", m => m.Ibge).Varchar("no_municipio", m => m.Name).Varchar("sg_uf", m => m.Uf)
            .RunAsync(connection, ct);

        await Copy("tb_fat_cidadao_pec", data.Cidadaos)
            .Bigint("co_seq_fat_cidadao_pec", c => c.Id).Varchar("no_cidadao", c => c.Name).Varchar("no_social_cidadao", c => c.SocialName)
            .Bigint("co_dim_tempo_nascimento", c => c.Birth).Bigint("co_dim_sexo", c => c.Sexo).Varchar("nu_cpf_cidadao", c => c.Cpf)
            .Varchar("nu_cns", c => c.Cns).Varchar("nu_telefone_celular", c => c.Phone).Integer("st_faleceu", c => c.Faleceu)
            .Bigint("co_dim_municipio", c => c.Municipio)
            .RunAsync(connection, ct);

        await Copy("tb_fat_cad_individual", data.Cadastros)
            .Bigint("co_seq_fat_cad_individual", c => c.Id).Bigint("co_fat_cidadao_pec", c => c.Cidadao).Bigint("co_dim_tempo", c => c.Tempo)
            .Integer("st_hipertensao_arterial", c => c.Hipertensao).Integer("st_diabete", c => c.Diabete).Bigint("co_dim_equipe", c => c.Equipe)
            .Bigint("co_dim_unidade_saude", c => c.Unidade).Bigint("co_dim_profissional", c => c.Profissional).Bigint("co_dim_cbo", c => c.Cbo)
            .Varchar("nu_uuid_ficha", c => c.Uuid)
            .RunAsync(connection, ct);

        await Copy("tb_fat_atendimento_individual", data.Atendimentos)
            .Bigint("co_seq_fat_atd_ind", a => a.Id).Bigint("co_fat_cidadao_pec", a => a.Cidadao).Bigint("co_dim_tempo", a => a.Tempo)
            .Bigint("co_dim_tempo_dum", a => a.Dum).Bigint("co_dim_cbo_1", a => a.Cbo).Bigint("co_dim_profissional_1", a => a.Profissional)
            .Bigint("co_dim_equipe_1", a => a.Equipe).Bigint("co_dim_unidade_saude_1", a => a.Unidade).Timestamp("dt_inicial_atendimento", a => a.Start)
            .Integer("nu_pressao_sistolica", a => a.Sistolica).Integer("nu_pressao_diastolica", a => a.Diastolica)
            .Numeric("nu_peso", a => a.Peso).Numeric("nu_altura", a => a.Altura).Integer("nu_idade_gestacional_semanas", a => a.IdadeGestacional)
            .Varchar("nu_uuid_ficha", a => a.Uuid)
            .RunAsync(connection, ct);

        await Copy("tb_fat_atd_ind_problemas", data.Problemas)
            .Bigint("co_seq_fat_atd_ind_problemas", p => p.Id).Bigint("co_fat_atd_ind", p => p.Atendimento)
            .Bigint("co_dim_cid", p => p.Cid).Bigint("co_dim_ciap", p => p.Ciap)
            .RunAsync(connection, ct);

        await Copy("tb_fat_visita_domiciliar", data.Visitas)
            .Bigint("co_seq_fat_visita_domiciliar", v => v.Id).Bigint("co_fat_cidadao_pec", v => v.Cidadao).Bigint("co_dim_tempo", v => v.Tempo)
            .Bigint("co_dim_profissional", v => v.Profissional).Bigint("co_dim_cbo", v => v.Cbo).Bigint("co_dim_equipe", v => v.Equipe)
            .Bigint("co_dim_unidade_saude", v => v.Unidade).Varchar("nu_uuid_ficha", v => v.Uuid)
            .RunAsync(connection, ct);

        await PopulateProgrammesAsync(connection, data, ct);

        await Copy("tb_config_sistema", data.Config)
            .Varchar("co_chave", c => c.Key).Varchar("ds_texto", c => c.Value).Null("nu_valor")
            .RunAsync(connection, ct);

        await Copy("tb_migracao", data.Migracoes)
            .Varchar("id", m => m.Id).Varchar("author", _ => "esus").Varchar("filename", m => m.Filename).Timestamp("dateexecuted", m => m.Executed)
            .Integer("orderexecuted", m => m.Order).Varchar("exectype", _ => "EXECUTED").Varchar("md5sum", m => m.Md5).Varchar("description", _ => "sql")
            .Varchar("comments", _ => string.Empty).Null("tag").Varchar("liquibase", _ => "3.5.3")
            .RunAsync(connection, ct);

        await Copy("tb_relatorio_processamento", data.Processamentos)
            .Bigint("co_seq_relatorio_processamento", p => p.Id).Timestamp("dt_processamento", p => p.End)
            .Timestamp("dt_inicio_processamento", p => p.Start).Varchar("ds_situacao", _ => "CONCLUIDO")
            .RunAsync(connection, ct);

        // One ANALYZE per table: a list of tables in one ANALYZE needs PostgreSQL 11.
        await using var analyze = new NpgsqlCommand(string.Concat(PecSchema.Tables.Select(t => "ANALYZE " + t + ";\n")), connection);
        await analyze.ExecuteNonQueryAsync(ct);
        return data.Summary;
    }

    private static async Task PopulateProgrammesAsync(NpgsqlConnection connection, PecData data, CancellationToken ct)
    {
        await Codes("tb_dim_procedimento", "co_seq_dim_procedimento", "co_proced", "ds_proced", data.Procedimentos).RunAsync(connection, ct);
        await Codes("tb_dim_dose_imunobiologico", "co_seq_dim_dose_imunobiologico", "nu_identificador", "no_dose_imunobiologico", data.Doses).RunAsync(connection, ct);
        await Copy("tb_dim_imunobiologico", data.Imunobiologicos)
            .Bigint("co_seq_dim_imunobiologico", i => i.Id).Varchar("nu_identificador", i => i.Code)
            .Varchar("sg_imunobiologico", i => i.Sigla).Varchar("no_imunobiologico", i => i.Name)
            .RunAsync(connection, ct);

        await Copy("tb_fat_atd_ind_procedimentos", data.AtdProcedimentos)
            .Bigint("co_seq_fat_atd_ind_procedimentos", p => p.Id).Bigint("co_fat_atd_ind", p => p.Atendimento)
            .Bigint("co_dim_procedimento_avaliado", p => p.Avaliado).Bigint("co_dim_procedimento_solicitado", p => p.Solicitado)
            .RunAsync(connection, ct);

        await Copy("tb_fat_proced_atend_proced", data.Proced)
            .Bigint("co_seq_fat_proced_atend_proced", p => p.Id).Bigint("co_fat_cidadao_pec", p => p.Cidadao).Bigint("co_dim_tempo", p => p.Tempo)
            .Bigint("co_dim_procedimento", p => p.Procedimento).Bigint("co_dim_profissional", p => p.Profissional).Bigint("co_dim_cbo", p => p.Cbo)
            .Bigint("co_dim_equipe", p => p.Equipe).Bigint("co_dim_unidade_saude", p => p.Unidade).Varchar("nu_uuid_ficha", p => p.Uuid)
            .RunAsync(connection, ct);

        await Copy("tb_fat_atendimento_odonto", data.Odonto)
            .Bigint("co_seq_fat_atd_odnt", o => o.Id).Bigint("co_fat_cidadao_pec", o => o.Cidadao).Bigint("co_dim_tempo", o => o.Tempo)
            .Bigint("co_dim_profissional_1", o => o.Profissional).Bigint("co_dim_cbo_1", o => o.Cbo).Bigint("co_dim_equipe_1", o => o.Equipe)
            .Bigint("co_dim_unidade_saude_1", o => o.Unidade).Timestamp("dt_inicial_atendimento", o => o.Start)
            .Integer("st_gestante", o => o.Gestante).Varchar("nu_uuid_ficha", o => o.Uuid)
            .RunAsync(connection, ct);

        await Copy("tb_fat_vacinacao", data.Vacinacoes)
            .Bigint("co_seq_fat_vacinacao", v => v.Id).Bigint("co_fat_cidadao_pec", v => v.Cidadao).Bigint("co_dim_tempo", v => v.Tempo)
            .Bigint("co_dim_profissional", v => v.Profissional).Bigint("co_dim_cbo", v => v.Cbo).Bigint("co_dim_equipe", v => v.Equipe)
            .Bigint("co_dim_unidade_saude", v => v.Unidade).Varchar("nu_uuid_ficha", v => v.Uuid)
            .RunAsync(connection, ct);

        await Copy("tb_fat_vacinacao_vacina", data.Vacinas)
            .Bigint("co_seq_fat_vacinacao_vacina", v => v.Id).Bigint("co_fat_vacinacao", v => v.Vacinacao).Bigint("co_fat_cidadao_pec", v => v.Cidadao)
            .Bigint("co_dim_tempo", v => v.Tempo).Bigint("co_dim_imunobiologico", v => v.Imunobiologico).Bigint("co_dim_dose_imunobiologico", v => v.Dose)
            .RunAsync(connection, ct);
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

    private static TableCopy<TRow> Copy<TRow>(string table, IEnumerable<TRow> rows) => new(table, rows);

    // A code table: id, code and name (and, where the table has it, a validity flag the caller adds).
    private static TableCopy<CodeRow> Codes(string table, string idColumn, string codeColumn, string nameColumn, IReadOnlyList<CodeRow> rows) =>
        Copy(table, rows).Bigint(idColumn, r => r.Id).Varchar(codeColumn, r => r.Code).Varchar(nameColumn, r => r.Name);
}
