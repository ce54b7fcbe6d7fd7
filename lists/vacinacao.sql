/*
  vacinacao - children aged at most 16 completed months on the run date and their vaccine doses: one row per
  child and dose recorded (tb_fat_vacinacao_vacina), plus one row with the dose columns NULL for a child with no
  dose recorded yet. Keyless: a dose typed twice comes out as two identical rows, and both are kept.

  Runs as COPY (<this query>) TO STDOUT (FORMAT csv, HEADER) in a read-only transaction on
  PostgreSQL 9.6 or newer: a single SELECT, no statement terminator, no MATERIALIZED CTEs, nothing
  newer than 9.6, SELECT privileges only.

  Person: PEC can hold several tb_fat_cidadao_pec rows for one person. Rows with the same name
  (trimmed, case-insensitive) and the same birth date are one person, whose key id_cidadao is the
  smallest co_seq_fat_cidadao_pec among them (stable: new duplicates get larger ids). Rows without
  a name stay on their own; without a birth date a child cannot be in this list. Name, CPF, CNS, phone
  and sex come from the newest row that has a value. A dose belongs to the person of its
  co_fat_cidadao_pec, else to the one of its record (tb_fat_vacinacao).

  Age: completed months, date_part('year', age(...)) * 12 + date_part('month', age(...)). Reference team and unit:
  the latest individual registration's, else the latest vaccination record's. Application date: the dose's
  co_dim_tempo, else its record's.

  Sentinels: dimension row 1 ('-', e.g. SEM EQUIPE, NÃO INFORMADO) comes out as NULL, and so does the date
  3000-12-31 (tb_dim_tempo 30001231).

  Extraction-time columns (not compared by the central load, "compare": false): nu_idade_meses and nu_idade_dias
  (on the run date), dt_referencia (current_date), dt_extracao (now()) and ds_quadrimestre_atual ('2026Q3' =
  September to December 2026).
*/
WITH
cidadao AS (
    SELECT c.co_seq_fat_cidadao_pec AS co_cidadao,
           tn.dt_registro AS dt_nascimento,
           min(c.co_seq_fat_cidadao_pec) OVER (
               PARTITION BY upper(btrim(coalesce(c.no_cidadao, ''))),
                            c.co_dim_tempo_nascimento,
                            CASE WHEN tn.nu_ano IS NULL OR tn.nu_ano = 3000
                                      OR btrim(coalesce(c.no_cidadao, '')) = ''
                                 THEN c.co_seq_fat_cidadao_pec
                                 ELSE 0
                            END
           ) AS id_cidadao
      FROM tb_fat_cidadao_pec c
      LEFT JOIN tb_dim_tempo tn ON tn.co_seq_dim_tempo = c.co_dim_tempo_nascimento
),
membro AS (
    SELECT m.co_cidadao, m.id_cidadao, m.dt_nascimento
      FROM cidadao m
     WHERE m.dt_nascimento > (current_date - interval '18 months')::date
       AND m.dt_nascimento <= current_date
       AND date_part('year', age(current_date, m.dt_nascimento)) * 12
           + date_part('month', age(current_date, m.dt_nascimento)) <= 16
),
crianca AS (
    SELECT m.id_cidadao,
           max(m.dt_nascimento) AS dt_nascimento,
           (array_agg(btrim(c.no_cidadao) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.no_cidadao) <> ''))[1] AS no_cidadao,
           (array_agg(btrim(c.nu_cpf_cidadao) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_cpf_cidadao) <> ''))[1] AS nu_cpf,
           (array_agg(btrim(c.nu_cns) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_cns) <> ''))[1] AS nu_cns,
           (array_agg(btrim(c.nu_telefone_celular) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_telefone_celular) <> ''))[1] AS nu_telefone_celular,
           (array_agg(c.co_dim_sexo ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE c.co_dim_sexo <> 1))[1] AS co_dim_sexo,
           (array_agg(c.co_dim_municipio ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE c.co_dim_municipio <> 1))[1] AS co_dim_municipio
      FROM membro m
      JOIN tb_fat_cidadao_pec c ON c.co_seq_fat_cidadao_pec = m.co_cidadao
     GROUP BY m.id_cidadao
),
cadastro AS (
    SELECT DISTINCT ON (m.id_cidadao)
           m.id_cidadao,
           nullif(ci.co_dim_equipe, 1) AS co_dim_equipe,
           nullif(ci.co_dim_unidade_saude, 1) AS co_dim_unidade_saude,
           CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END AS dt_cadastro
      FROM tb_fat_cad_individual ci
      JOIN membro m ON m.co_cidadao = ci.co_fat_cidadao_pec
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = ci.co_dim_tempo
     ORDER BY m.id_cidadao,
              CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END DESC NULLS LAST,
              ci.co_seq_fat_cad_individual DESC
),
dose AS (
    SELECT m.id_cidadao,
           vv.co_seq_fat_vacinacao_vacina,
           coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END,
                    CASE WHEN tf.nu_ano <> 3000 THEN tf.dt_registro END) AS dt_aplicacao,
           nullif(vv.co_dim_imunobiologico, 1) AS co_dim_imunobiologico,
           nullif(vv.co_dim_dose_imunobiologico, 1) AS co_dim_dose_imunobiologico,
           nullif(f.co_dim_profissional, 1) AS co_dim_profissional,
           nullif(f.co_dim_cbo, 1) AS co_dim_cbo,
           nullif(f.co_dim_equipe, 1) AS co_dim_equipe,
           nullif(f.co_dim_unidade_saude, 1) AS co_dim_unidade_saude,
           m.dt_nascimento
      FROM tb_fat_vacinacao_vacina vv
      JOIN tb_fat_vacinacao f ON f.co_seq_fat_vacinacao = vv.co_fat_vacinacao
      JOIN membro m ON m.co_cidadao = coalesce(vv.co_fat_cidadao_pec, f.co_fat_cidadao_pec)
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = vv.co_dim_tempo
      LEFT JOIN tb_dim_tempo tf ON tf.co_seq_dim_tempo = f.co_dim_tempo
),
dose_resumo AS (
    SELECT d.id_cidadao,
           count(*) AS qt_doses,
           max(d.dt_aplicacao) AS dt_ultima_vacina,
           (array_agg(d.co_dim_equipe ORDER BY d.dt_aplicacao DESC NULLS LAST, d.co_seq_fat_vacinacao_vacina DESC)
               FILTER (WHERE d.co_dim_equipe IS NOT NULL))[1] AS co_dim_equipe,
           (array_agg(d.co_dim_unidade_saude ORDER BY d.dt_aplicacao DESC NULLS LAST, d.co_seq_fat_vacinacao_vacina DESC)
               FILTER (WHERE d.co_dim_unidade_saude IS NOT NULL))[1] AS co_dim_unidade_saude
      FROM dose d
     GROUP BY d.id_cidadao
)
SELECT
    c.id_cidadao::int8 AS id_cidadao,
    c.no_cidadao::text AS no_cidadao,
    c.nu_cpf::varchar(11) AS nu_cpf,
    c.nu_cns::varchar(15) AS nu_cns,
    c.nu_telefone_celular::varchar(20) AS nu_telefone_celular,
    c.dt_nascimento::date AS dt_nascimento,
    sx.ds_sexo::varchar(30) AS ds_sexo,
    mu.co_ibge::varchar(7) AS co_ibge_municipio,
    mu.no_municipio::text AS no_municipio,
    eq.nu_ine::varchar(10) AS nu_ine,
    eq.no_equipe::text AS no_equipe,
    us.nu_cnes::varchar(7) AS nu_cnes,
    us.no_unidade_saude::text AS no_unidade_saude,
    cad.dt_cadastro::date AS dt_ultimo_cadastro,
    coalesce(dr.qt_doses, 0)::int4 AS qt_doses,
    dr.dt_ultima_vacina::date AS dt_ultima_vacina,
    im.nu_identificador::varchar(10) AS co_imunobiologico,
    im.sg_imunobiologico::varchar(30) AS sg_imunobiologico,
    im.no_imunobiologico::text AS no_imunobiologico,
    dz.nu_identificador::varchar(10) AS co_dose,
    dz.no_dose_imunobiologico::text AS no_dose,
    d.dt_aplicacao::date AS dt_aplicacao,
    (date_part('year', age(d.dt_aplicacao, d.dt_nascimento)) * 12
     + date_part('month', age(d.dt_aplicacao, d.dt_nascimento)))::int2 AS nu_idade_meses_aplicacao,
    pa.no_profissional::text AS no_profissional_aplicacao,
    cba.nu_cbo::varchar(10) AS nu_cbo_aplicacao,
    eqa.nu_ine::varchar(10) AS nu_ine_aplicacao,
    usa.nu_cnes::varchar(7) AS nu_cnes_aplicacao,
    usa.no_unidade_saude::text AS no_unidade_saude_aplicacao,
    (date_part('year', age(current_date, c.dt_nascimento)) * 12
     + date_part('month', age(current_date, c.dt_nascimento)))::int2 AS nu_idade_meses,
    (current_date - c.dt_nascimento)::int4 AS nu_idade_dias,
    current_date::date AS dt_referencia,
    now()::timestamptz AS dt_extracao,
    (to_char(current_date, 'YYYY') || 'Q' || ((date_part('month', current_date)::integer + 3) / 4)::text)::varchar(6) AS ds_quadrimestre_atual
  FROM crianca c
  LEFT JOIN dose d ON d.id_cidadao = c.id_cidadao
  LEFT JOIN dose_resumo dr ON dr.id_cidadao = c.id_cidadao
  LEFT JOIN cadastro cad ON cad.id_cidadao = c.id_cidadao
  LEFT JOIN tb_dim_sexo sx ON sx.co_seq_dim_sexo = c.co_dim_sexo
  LEFT JOIN tb_dim_municipio mu ON mu.co_seq_dim_municipio = c.co_dim_municipio
  LEFT JOIN tb_dim_equipe eq ON eq.co_seq_dim_equipe = coalesce(cad.co_dim_equipe, dr.co_dim_equipe)
  LEFT JOIN tb_dim_unidade_saude us ON us.co_seq_dim_unidade_saude = coalesce(cad.co_dim_unidade_saude, dr.co_dim_unidade_saude)
  LEFT JOIN tb_dim_imunobiologico im ON im.co_seq_dim_imunobiologico = d.co_dim_imunobiologico
  LEFT JOIN tb_dim_dose_imunobiologico dz ON dz.co_seq_dim_dose_imunobiologico = d.co_dim_dose_imunobiologico
  LEFT JOIN tb_dim_profissional pa ON pa.co_seq_dim_profissional = d.co_dim_profissional
  LEFT JOIN tb_dim_cbo cba ON cba.co_seq_dim_cbo = d.co_dim_cbo
  LEFT JOIN tb_dim_equipe eqa ON eqa.co_seq_dim_equipe = d.co_dim_equipe
  LEFT JOIN tb_dim_unidade_saude usa ON usa.co_seq_dim_unidade_saude = d.co_dim_unidade_saude
 ORDER BY c.id_cidadao, d.dt_aplicacao, im.nu_identificador, dz.nu_identificador
