/*
  citopatologico - one row per woman aged 25 to 64 on the run date (the cervical screening population), with her
  screening status: cytology within 36 months ("EM DIA"), within 36 months but expiring before the end of the current
  four-month period ("VENCE NO QUADRIMESTRE"), older than 36 months ("EM ATRASO") or never recorded ("NUNCA REALIZOU").

  Runs as COPY (<this query>) TO STDOUT (FORMAT csv, HEADER) in a read-only transaction on
  PostgreSQL 9.6 or newer: a single SELECT, no statement terminator, no MATERIALIZED CTEs, nothing
  newer than 9.6, SELECT privileges only.

  Person: PEC can hold several tb_fat_cidadao_pec rows for one person. Rows with the same name
  (trimmed, case-insensitive) and the same birth date are one person, whose key id_cidadao is the
  smallest co_seq_fat_cidadao_pec among them (stable: new duplicates get larger ids). Rows without
  a name or with an unknown birth date stay on their own (and, without a birth date, out of this list).
  Name, CPF, CNS, phone and sex come from the newest row that has a value; a woman is a person whose
  sex is FEMININO (tb_dim_sexo.ds_sexo).

  Exam: a procedure done (tb_fat_proced_atend_proced) with SIGTAP 0201020033 (COLETA DE MATERIAL P/ EXAME
  CITOPATOLOGICO DE COLO UTERINO), 0203010086 (EXAME CITOPATOLOGICO CERVICO-VAGINAL/MICROFLORA-RASTREAMENTO) or
  0203010019 (EXAME CITOPATOLOGICO CERVICO-VAGINAL/MICROFLORA), or one of the two exam codes evaluated in an
  individual consultation (tb_fat_atd_ind_procedimentos.co_dim_procedimento_avaliado), on the date of the
  procedure or consultation. A request (co_dim_procedimento_solicitado) is not an exam: it is reported apart.
  Several records of one day are one exam.

  Four-month periods (quadrimestres): January-April, May-August, September-December; the current one is the
  run date's. dt_proximo_exame = last exam + 36 months; "EM DIA" while dt_proximo_exame >= current_date.

  Sentinels: dimension row 1 ('-', e.g. SEM EQUIPE) comes out as NULL, and so does the date
  3000-12-31 (tb_dim_tempo 30001231). st_* flags are read through ::text, so they may be integer
  0/1 or boolean.

  Plan: everything about a woman is looked up per woman (LATERAL subqueries on the fact tables' citizen
  indexes, through the ids of her tb_fat_cidadao_pec rows), so the run time grows with the population even
  when the planner underestimates it (joining per-person aggregates had it loop over them, quadratic).

  Extraction-time columns (not compared by the central load, "compare": false): nu_meses_desde_ultimo_exame,
  dt_fim_quadrimestre_atual, dt_extracao (now()) and ds_quadrimestre_atual ('2026Q3' = September to December 2026).
*/
WITH
periodo AS (
    SELECT (make_date(date_part('year', current_date)::integer,
                      ((date_part('month', current_date)::integer - 1) / 4) * 4 + 1, 1)
            + interval '4 months')::date - 1 AS dt_fim_quadrimestre
),
cidadao AS (
    SELECT c.co_seq_fat_cidadao_pec AS co_cidadao,
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
pessoa_todas AS (
    SELECT m.id_cidadao,
           array_agg(c.co_seq_fat_cidadao_pec) AS co_cidadaos,
           count(*) AS qt_registros,
           (array_agg(btrim(c.no_cidadao) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.no_cidadao) <> ''))[1] AS no_cidadao,
           (array_agg(btrim(c.no_social_cidadao) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.no_social_cidadao) <> ''))[1] AS no_social_cidadao,
           (array_agg(btrim(c.nu_cpf_cidadao) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_cpf_cidadao) <> ''))[1] AS nu_cpf,
           (array_agg(btrim(c.nu_cns) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_cns) <> ''))[1] AS nu_cns,
           (array_agg(btrim(c.nu_telefone_celular) ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE btrim(c.nu_telefone_celular) <> ''))[1] AS nu_telefone_celular,
           max(c.co_dim_tempo_nascimento) AS co_dim_tempo_nascimento,
           (array_agg(c.co_dim_sexo ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE c.co_dim_sexo <> 1))[1] AS co_dim_sexo,
           bool_or(c.st_faleceu::text IN ('1', 'true')) AS st_faleceu,
           (array_agg(c.co_dim_municipio ORDER BY c.co_seq_fat_cidadao_pec DESC)
               FILTER (WHERE c.co_dim_municipio <> 1))[1] AS co_dim_municipio
      FROM cidadao m
      JOIN tb_fat_cidadao_pec c ON c.co_seq_fat_cidadao_pec = m.co_cidadao
     GROUP BY m.id_cidadao
),
pessoa AS (
    SELECT p.*, tn.dt_registro AS dt_nascimento
      FROM pessoa_todas p
      JOIN tb_dim_tempo tn ON tn.co_seq_dim_tempo = p.co_dim_tempo_nascimento AND tn.nu_ano <> 3000
      JOIN tb_dim_sexo sx ON sx.co_seq_dim_sexo = p.co_dim_sexo
     WHERE upper(btrim(sx.ds_sexo)) = 'FEMININO'
       AND date_part('year', age(current_date, tn.dt_registro)) BETWEEN 25 AND 64
)
SELECT
    p.id_cidadao::int8 AS id_cidadao,
    p.no_cidadao::text AS no_cidadao,
    p.no_social_cidadao::text AS no_social_cidadao,
    p.nu_cpf::varchar(11) AS nu_cpf,
    p.nu_cns::varchar(15) AS nu_cns,
    p.nu_telefone_celular::varchar(20) AS nu_telefone_celular,
    p.dt_nascimento::date AS dt_nascimento,
    date_part('year', age(current_date, p.dt_nascimento))::int2 AS nu_idade,
    p.st_faleceu::bool AS st_faleceu,
    p.qt_registros::int4 AS qt_registros_cidadao,
    mu.co_ibge::varchar(7) AS co_ibge_municipio,
    mu.no_municipio::text AS no_municipio,
    eq.nu_ine::varchar(10) AS nu_ine,
    eq.no_equipe::text AS no_equipe,
    us.nu_cnes::varchar(7) AS nu_cnes,
    us.no_unidade_saude::text AS no_unidade_saude,
    pc.no_profissional::text AS no_profissional_cadastro,
    cad.dt_cadastro::date AS dt_ultimo_cadastro,
    (CASE WHEN er.dt_ultimo_exame IS NULL THEN 'NUNCA REALIZOU'
          WHEN er.dt_proximo_exame < current_date THEN 'EM ATRASO'
          WHEN er.dt_proximo_exame <= pe_.dt_fim_quadrimestre THEN 'VENCE NO QUADRIMESTRE'
          ELSE 'EM DIA'
     END)::varchar(30) AS ds_situacao,
    coalesce(er.dt_proximo_exame >= current_date, false)::bool AS st_exame_em_dia,
    coalesce(er.dt_proximo_exame >= current_date AND er.dt_proximo_exame <= pe_.dt_fim_quadrimestre, false)::bool AS st_vence_no_quadrimestre,
    er.dt_ultimo_exame::date AS dt_ultimo_exame,
    er.dt_proximo_exame::date AS dt_proximo_exame,
    er.co_proced::varchar(20) AS co_proced_ultimo_exame,
    er.ds_proced::text AS ds_proced_ultimo_exame,
    pe.no_profissional::text AS no_profissional_ultimo_exame,
    cbe.nu_cbo::varchar(10) AS nu_cbo_ultimo_exame,
    ue.nu_cnes::varchar(7) AS nu_cnes_ultimo_exame,
    ue.no_unidade_saude::text AS no_unidade_saude_ultimo_exame,
    coalesce(er.qt_exames, 0)::int4 AS qt_exames,
    coalesce(er.qt_exames_36m, 0)::int4 AS qt_exames_36m,
    er.dt_ultima_solicitacao::date AS dt_ultima_solicitacao,
    coalesce(er.dt_ultima_solicitacao > er.dt_ultimo_exame OR (er.dt_ultima_solicitacao IS NOT NULL AND er.dt_ultimo_exame IS NULL), false)::bool AS st_solicitacao_pendente,
    ar.dt_ultimo_atendimento::date AS dt_ultimo_atendimento,
    pa.no_profissional::text AS no_profissional_ultimo_atendimento,
    coalesce(ar.dt_ultimo_atendimento >= (current_date - interval '12 months')::date, false)::bool AS st_atendimento_12m,
    vr.dt_ultima_visita::date AS dt_ultima_visita_domiciliar,
    coalesce(vr.dt_ultima_visita >= (current_date - interval '6 months')::date, false)::bool AS st_visita_domiciliar_6m,
    (CASE WHEN er.dt_ultimo_exame IS NOT NULL
          THEN date_part('year', age(current_date, er.dt_ultimo_exame)) * 12 + date_part('month', age(current_date, er.dt_ultimo_exame))
     END)::int4 AS nu_meses_desde_ultimo_exame,
    pe_.dt_fim_quadrimestre::date AS dt_fim_quadrimestre_atual,
    now()::timestamptz AS dt_extracao,
    (to_char(current_date, 'YYYY') || 'Q' || ((date_part('month', current_date)::integer + 3) / 4)::text)::varchar(6) AS ds_quadrimestre_atual
  FROM pessoa p
  CROSS JOIN periodo pe_
  LEFT JOIN LATERAL (
        -- Her latest individual registration.
        SELECT nullif(ci.co_dim_equipe, 1) AS co_dim_equipe,
               nullif(ci.co_dim_unidade_saude, 1) AS co_dim_unidade_saude,
               nullif(ci.co_dim_profissional, 1) AS co_dim_profissional,
               CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END AS dt_cadastro
          FROM tb_fat_cad_individual ci
          LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = ci.co_dim_tempo
         WHERE ci.co_fat_cidadao_pec = ANY (p.co_cidadaos)
         ORDER BY CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END DESC NULLS LAST,
                  ci.co_seq_fat_cad_individual DESC
         LIMIT 1
       ) cad ON true
  LEFT JOIN LATERAL (
        -- Her exams (kind E: done, or evaluated in a consultation) and requests (kind S).
        SELECT max(e.dt_registro) FILTER (WHERE e.tp = 'E') AS dt_ultimo_exame,
               (max(e.dt_registro) FILTER (WHERE e.tp = 'E') + interval '36 months')::date AS dt_proximo_exame,
               (array_agg(e.co_proced ORDER BY e.dt_registro DESC, e.nu_origem, e.co_registro DESC) FILTER (WHERE e.tp = 'E'))[1] AS co_proced,
               (array_agg(e.ds_proced ORDER BY e.dt_registro DESC, e.nu_origem, e.co_registro DESC) FILTER (WHERE e.tp = 'E'))[1] AS ds_proced,
               (array_agg(e.co_dim_profissional ORDER BY e.dt_registro DESC, e.nu_origem, e.co_registro DESC) FILTER (WHERE e.tp = 'E'))[1] AS co_dim_profissional,
               (array_agg(e.co_dim_cbo ORDER BY e.dt_registro DESC, e.nu_origem, e.co_registro DESC) FILTER (WHERE e.tp = 'E'))[1] AS co_dim_cbo,
               (array_agg(e.co_dim_unidade_saude ORDER BY e.dt_registro DESC, e.nu_origem, e.co_registro DESC) FILTER (WHERE e.tp = 'E'))[1] AS co_dim_unidade_saude,
               count(DISTINCT e.dt_registro) FILTER (WHERE e.tp = 'E') AS qt_exames,
               count(DISTINCT e.dt_registro) FILTER (WHERE e.tp = 'E' AND e.dt_registro >= (current_date - interval '36 months')::date) AS qt_exames_36m,
               max(e.dt_registro) FILTER (WHERE e.tp = 'S') AS dt_ultima_solicitacao
          FROM (
                SELECT 'E'::text AS tp,
                       t.dt_registro,
                       btrim(pr.co_proced) AS co_proced,
                       pr.ds_proced,
                       nullif(f.co_dim_profissional, 1) AS co_dim_profissional,
                       nullif(f.co_dim_cbo, 1) AS co_dim_cbo,
                       nullif(f.co_dim_unidade_saude, 1) AS co_dim_unidade_saude,
                       1 AS nu_origem,
                       f.co_seq_fat_proced_atend_proced AS co_registro
                  FROM tb_fat_proced_atend_proced f
                  JOIN tb_dim_procedimento pr ON pr.co_seq_dim_procedimento = f.co_dim_procedimento
                  JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = f.co_dim_tempo AND t.nu_ano <> 3000
                 WHERE f.co_fat_cidadao_pec = ANY (p.co_cidadaos)
                   AND btrim(pr.co_proced) IN ('0201020033', '0203010086', '0203010019')
                UNION ALL
                SELECT CASE WHEN btrim(pv.co_proced) IN ('0203010086', '0203010019') THEN 'E' ELSE 'S' END,
                       coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date),
                       btrim(pv.co_proced),
                       pv.ds_proced,
                       nullif(a.co_dim_profissional_1, 1),
                       nullif(a.co_dim_cbo_1, 1),
                       nullif(a.co_dim_unidade_saude_1, 1),
                       2,
                       ap.co_seq_fat_atd_ind_procedimentos
                  FROM tb_fat_atendimento_individual a
                  JOIN tb_fat_atd_ind_procedimentos ap ON ap.co_fat_atd_ind = a.co_seq_fat_atd_ind
                  LEFT JOIN tb_dim_procedimento pv ON pv.co_seq_dim_procedimento = ap.co_dim_procedimento_avaliado
                  LEFT JOIN tb_dim_procedimento ps ON ps.co_seq_dim_procedimento = ap.co_dim_procedimento_solicitado
                  LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
                 WHERE a.co_fat_cidadao_pec = ANY (p.co_cidadaos)
                   AND (btrim(pv.co_proced) IN ('0203010086', '0203010019')
                        OR btrim(ps.co_proced) IN ('0201020033', '0203010086', '0203010019'))
               ) e
       ) er ON true
  LEFT JOIN LATERAL (
        -- Her last consultation.
        SELECT max(coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date)) AS dt_ultimo_atendimento,
               (array_agg(nullif(a.co_dim_profissional_1, 1)
                          ORDER BY coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date) DESC,
                                   a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
                   FILTER (WHERE a.co_dim_profissional_1 <> 1))[1] AS co_dim_profissional,
               (array_agg(nullif(a.co_dim_equipe_1, 1)
                          ORDER BY coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date) DESC,
                                   a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
                   FILTER (WHERE a.co_dim_equipe_1 <> 1))[1] AS co_dim_equipe,
               (array_agg(nullif(a.co_dim_unidade_saude_1, 1)
                          ORDER BY coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date) DESC,
                                   a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
                   FILTER (WHERE a.co_dim_unidade_saude_1 <> 1))[1] AS co_dim_unidade_saude
          FROM tb_fat_atendimento_individual a
          LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
         WHERE a.co_fat_cidadao_pec = ANY (p.co_cidadaos)
       ) ar ON true
  LEFT JOIN LATERAL (
        -- Her last home visit.
        SELECT max(t.dt_registro) AS dt_ultima_visita
          FROM tb_fat_visita_domiciliar v
          JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = v.co_dim_tempo AND t.nu_ano <> 3000
         WHERE v.co_fat_cidadao_pec = ANY (p.co_cidadaos)
       ) vr ON true
  LEFT JOIN tb_dim_municipio mu ON mu.co_seq_dim_municipio = p.co_dim_municipio
  LEFT JOIN tb_dim_equipe eq ON eq.co_seq_dim_equipe = coalesce(cad.co_dim_equipe, ar.co_dim_equipe)
  LEFT JOIN tb_dim_unidade_saude us ON us.co_seq_dim_unidade_saude = coalesce(cad.co_dim_unidade_saude, ar.co_dim_unidade_saude)
  LEFT JOIN tb_dim_profissional pc ON pc.co_seq_dim_profissional = cad.co_dim_profissional
  LEFT JOIN tb_dim_profissional pe ON pe.co_seq_dim_profissional = er.co_dim_profissional
  LEFT JOIN tb_dim_cbo cbe ON cbe.co_seq_dim_cbo = er.co_dim_cbo
  LEFT JOIN tb_dim_unidade_saude ue ON ue.co_seq_dim_unidade_saude = er.co_dim_unidade_saude
  LEFT JOIN tb_dim_profissional pa ON pa.co_seq_dim_profissional = ar.co_dim_profissional
 ORDER BY p.id_cidadao