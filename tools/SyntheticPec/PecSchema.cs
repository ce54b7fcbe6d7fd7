namespace SyntheticPec;

/// <summary>
/// DDL of the PEC-shaped reporting schema. Only PostgreSQL 9.6 syntax: plain bigint keys (no
/// identity or serial columns; PEC's DW fills its keys itself), no generated columns, no procedures.
/// Flags (<c>st_*</c>) are integers 0/1, as in many PEC versions; lists should not depend on that.
/// </summary>
internal static class PecSchema
{
    /// <summary>Tables created by <see cref="PecDatabase.CreateSchemaAsync"/>, in creation order.</summary>
    internal static readonly string[] Tables =
    [
        "tb_dim_tempo", "tb_dim_sexo", "tb_dim_equipe", "tb_dim_unidade_saude", "tb_dim_profissional",
        "tb_dim_cbo", "tb_dim_cid", "tb_dim_ciap", "tb_dim_municipio", "tb_fat_cidadao_pec",
        "tb_fat_cad_individual", "tb_fat_atendimento_individual", "tb_fat_atd_ind_problemas",
        "tb_fat_visita_domiciliar", "tb_dim_procedimento", "tb_fat_atd_ind_procedimentos", "tb_fat_proced_atend_proced",
        "tb_fat_atendimento_odonto", "tb_dim_imunobiologico", "tb_dim_dose_imunobiologico", "tb_fat_vacinacao",
        "tb_fat_vacinacao_vacina", "tb_config_sistema", "tb_migracao", "tb_relatorio_processamento",
    ];

    internal const string Ddl = """
        CREATE TABLE tb_dim_tempo (
            co_seq_dim_tempo bigint NOT NULL PRIMARY KEY,
            dt_registro date NOT NULL,
            nu_ano integer NOT NULL,
            nu_mes integer NOT NULL,
            nu_dia integer NOT NULL,
            nu_dia_semana integer NOT NULL,
            ds_dia_semana varchar(20) NOT NULL
        );

        CREATE TABLE tb_dim_sexo (
            co_seq_dim_sexo bigint NOT NULL PRIMARY KEY,
            sg_sexo varchar(1) NOT NULL,
            ds_sexo varchar(30) NOT NULL
        );

        CREATE TABLE tb_dim_equipe (
            co_seq_dim_equipe bigint NOT NULL PRIMARY KEY,
            nu_ine varchar(10) NOT NULL,
            no_equipe varchar(200) NOT NULL,
            st_registro_valido integer NOT NULL
        );

        CREATE TABLE tb_dim_unidade_saude (
            co_seq_dim_unidade_saude bigint NOT NULL PRIMARY KEY,
            nu_cnes varchar(7) NOT NULL,
            no_unidade_saude varchar(500) NOT NULL,
            st_registro_valido integer NOT NULL
        );

        CREATE TABLE tb_dim_profissional (
            co_seq_dim_profissional bigint NOT NULL PRIMARY KEY,
            nu_cns varchar(15) NOT NULL,
            no_profissional varchar(500) NOT NULL,
            st_registro_valido integer NOT NULL
        );

        CREATE TABLE tb_dim_cbo (
            co_seq_dim_cbo bigint NOT NULL PRIMARY KEY,
            nu_cbo varchar(10) NOT NULL,
            no_cbo varchar(500) NOT NULL
        );

        CREATE TABLE tb_dim_cid (
            co_seq_dim_cid bigint NOT NULL PRIMARY KEY,
            nu_cid varchar(10) NOT NULL,
            no_cid varchar(500) NOT NULL
        );

        CREATE TABLE tb_dim_ciap (
            co_seq_dim_ciap bigint NOT NULL PRIMARY KEY,
            nu_ciap varchar(10) NOT NULL,
            ds_ciap varchar(500) NOT NULL
        );

        CREATE TABLE tb_dim_municipio (
            co_seq_dim_municipio bigint NOT NULL PRIMARY KEY,
            co_ibge varchar(7) NOT NULL,
            no_municipio varchar(200) NOT NULL,
            sg_uf varchar(2) NOT NULL
        );

        CREATE TABLE tb_fat_cidadao_pec (
            co_seq_fat_cidadao_pec bigint NOT NULL PRIMARY KEY,
            no_cidadao varchar(500),
            no_social_cidadao varchar(500),
            co_dim_tempo_nascimento bigint NOT NULL,
            co_dim_sexo bigint NOT NULL,
            nu_cpf_cidadao varchar(11),
            nu_cns varchar(15),
            nu_telefone_celular varchar(20),
            st_faleceu integer NOT NULL,
            co_dim_municipio bigint NOT NULL
        );

        CREATE TABLE tb_fat_cad_individual (
            co_seq_fat_cad_individual bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            st_hipertensao_arterial integer NOT NULL,
            st_diabete integer NOT NULL,
            co_dim_equipe bigint NOT NULL,
            co_dim_unidade_saude bigint NOT NULL,
            co_dim_profissional bigint NOT NULL,
            co_dim_cbo bigint NOT NULL,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_fat_atendimento_individual (
            co_seq_fat_atd_ind bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_tempo_dum bigint NOT NULL,
            co_dim_cbo_1 bigint NOT NULL,
            co_dim_profissional_1 bigint NOT NULL,
            co_dim_equipe_1 bigint NOT NULL,
            co_dim_unidade_saude_1 bigint NOT NULL,
            dt_inicial_atendimento timestamp NOT NULL,
            nu_pressao_sistolica integer,
            nu_pressao_diastolica integer,
            nu_peso numeric(6,3),
            nu_altura numeric(5,1),
            nu_idade_gestacional_semanas integer,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_fat_atd_ind_problemas (
            co_seq_fat_atd_ind_problemas bigint NOT NULL PRIMARY KEY,
            co_fat_atd_ind bigint NOT NULL,
            co_dim_cid bigint NOT NULL,
            co_dim_ciap bigint NOT NULL
        );

        CREATE TABLE tb_fat_visita_domiciliar (
            co_seq_fat_visita_domiciliar bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_profissional bigint NOT NULL,
            co_dim_cbo bigint NOT NULL,
            co_dim_equipe bigint NOT NULL,
            co_dim_unidade_saude bigint NOT NULL,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_dim_procedimento (
            co_seq_dim_procedimento bigint NOT NULL PRIMARY KEY,
            co_proced varchar(20) NOT NULL,
            ds_proced varchar(500) NOT NULL
        );

        CREATE TABLE tb_fat_atd_ind_procedimentos (
            co_seq_fat_atd_ind_procedimentos bigint NOT NULL PRIMARY KEY,
            co_fat_atd_ind bigint NOT NULL,
            co_dim_procedimento_avaliado bigint NOT NULL,
            co_dim_procedimento_solicitado bigint NOT NULL
        );

        CREATE TABLE tb_fat_proced_atend_proced (
            co_seq_fat_proced_atend_proced bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_procedimento bigint NOT NULL,
            co_dim_profissional bigint NOT NULL,
            co_dim_cbo bigint NOT NULL,
            co_dim_equipe bigint NOT NULL,
            co_dim_unidade_saude bigint NOT NULL,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_fat_atendimento_odonto (
            co_seq_fat_atd_odnt bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_profissional_1 bigint NOT NULL,
            co_dim_cbo_1 bigint NOT NULL,
            co_dim_equipe_1 bigint NOT NULL,
            co_dim_unidade_saude_1 bigint NOT NULL,
            dt_inicial_atendimento timestamp NOT NULL,
            st_gestante integer NOT NULL,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_dim_imunobiologico (
            co_seq_dim_imunobiologico bigint NOT NULL PRIMARY KEY,
            nu_identificador varchar(10) NOT NULL,
            sg_imunobiologico varchar(30) NOT NULL,
            no_imunobiologico varchar(500) NOT NULL
        );

        CREATE TABLE tb_dim_dose_imunobiologico (
            co_seq_dim_dose_imunobiologico bigint NOT NULL PRIMARY KEY,
            nu_identificador varchar(10) NOT NULL,
            no_dose_imunobiologico varchar(100) NOT NULL
        );

        CREATE TABLE tb_fat_vacinacao (
            co_seq_fat_vacinacao bigint NOT NULL PRIMARY KEY,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_profissional bigint NOT NULL,
            co_dim_cbo bigint NOT NULL,
            co_dim_equipe bigint NOT NULL,
            co_dim_unidade_saude bigint NOT NULL,
            nu_uuid_ficha varchar(44) NOT NULL
        );

        CREATE TABLE tb_fat_vacinacao_vacina (
            co_seq_fat_vacinacao_vacina bigint NOT NULL PRIMARY KEY,
            co_fat_vacinacao bigint NOT NULL,
            co_fat_cidadao_pec bigint,
            co_dim_tempo bigint NOT NULL,
            co_dim_imunobiologico bigint NOT NULL,
            co_dim_dose_imunobiologico bigint NOT NULL
        );

        CREATE TABLE tb_config_sistema (
            co_chave varchar(100) NOT NULL PRIMARY KEY,
            ds_texto varchar(4000),
            nu_valor bigint
        );

        CREATE TABLE tb_migracao (
            id varchar(255) NOT NULL,
            author varchar(255) NOT NULL,
            filename varchar(255) NOT NULL,
            dateexecuted timestamp NOT NULL,
            orderexecuted integer NOT NULL,
            exectype varchar(10) NOT NULL,
            md5sum varchar(35),
            description varchar(255),
            comments varchar(255),
            tag varchar(255),
            liquibase varchar(20)
        );

        CREATE TABLE tb_relatorio_processamento (
            co_seq_relatorio_processamento bigint NOT NULL PRIMARY KEY,
            dt_processamento timestamp NOT NULL,
            dt_inicio_processamento timestamp NOT NULL,
            ds_situacao varchar(50) NOT NULL
        );
        """;

    /// <summary>Secondary indexes, created after the bulk load (as fast as creating them before).</summary>
    internal const string Indexes = """
        CREATE INDEX in_fat_cidadao_pec_nascimento ON tb_fat_cidadao_pec (co_dim_tempo_nascimento);
        CREATE INDEX in_fat_cad_individual_cidadao ON tb_fat_cad_individual (co_fat_cidadao_pec);
        CREATE INDEX in_fat_atd_ind_cidadao ON tb_fat_atendimento_individual (co_fat_cidadao_pec);
        CREATE INDEX in_fat_atd_ind_tempo ON tb_fat_atendimento_individual (co_dim_tempo);
        CREATE INDEX in_fat_atd_ind_problemas_atd ON tb_fat_atd_ind_problemas (co_fat_atd_ind);
        CREATE INDEX in_fat_visita_domiciliar_cidadao ON tb_fat_visita_domiciliar (co_fat_cidadao_pec);
        CREATE INDEX in_fat_atd_ind_procedimentos_atd ON tb_fat_atd_ind_procedimentos (co_fat_atd_ind);
        CREATE INDEX in_fat_proced_atend_proced_cidadao ON tb_fat_proced_atend_proced (co_fat_cidadao_pec);
        CREATE INDEX in_fat_atendimento_odonto_cidadao ON tb_fat_atendimento_odonto (co_fat_cidadao_pec);
        CREATE INDEX in_fat_vacinacao_cidadao ON tb_fat_vacinacao (co_fat_cidadao_pec);
        CREATE INDEX in_fat_vacinacao_vacina_vacinacao ON tb_fat_vacinacao_vacina (co_fat_vacinacao);
        CREATE INDEX in_fat_vacinacao_vacina_cidadao ON tb_fat_vacinacao_vacina (co_fat_cidadao_pec);
        """;
}
