/*
  diabeticos - one row per person with diabetes, self-reported in the latest individual registration
  (tb_fat_cad_individual.st_diabete) or recorded as a problem in an individual consultation (CID-10 E10-E14 or
  CIAP-2 T89/T90). Gestational diabetes (CID O24, CIAP W85), hyperglycaemia (R73) and hypoglycaemia (E16, CIAP T87)
  are not diabetes here.

  Runs as COPY (<this query>) TO STDOUT (FORMAT csv, HEADER) in a read-only transaction on
  PostgreSQL 9.6 or newer: a single SELECT, no statement terminator, no MATERIALIZED CTEs, nothing
  newer than 9.6, SELECT privileges only.

  Person: PEC can hold several tb_fat_cidadao_pec rows for one person. Rows with the same name
  (trimmed, case-insensitive) and the same birth date are one person, whose key id_cidadao is the
  smallest co_seq_fat_cidadao_pec among them (stable: new duplicates get larger ids). Rows without
  a name or with an unknown birth date stay on their own. Name, CPF, CNS and phone come from the
  newest row that has a value.

  HbA1c: SIGTAP 0202010503 (DOSAGEM DE HEMOGLOBINA GLICOSILADA) requested
  (tb_fat_atd_ind_procedimentos.co_dim_procedimento_solicitado) or evaluated (_avaliado) in an individual
  consultation of the person; the date is the consultation's.

  Sentinels: dimension row 1 ('-', e.g. SEM EQUIPE) comes out as NULL, and so does the date
  3000-12-31 (tb_dim_tempo 30001231). st_* flags are read through ::text, so they may be integer
  0/1 or boolean. Windows are relative to current_date: 6 months for "_6m", 12 months for "_12m".

  Extraction-time columns (not compared by the central load, "compare": false): dt_extracao (now()) and
  ds_quadrimestre_atual, the four-month period of the run date ('2026Q3' = September to December 2026).
*/
WITH
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
cadastro AS (
    SELECT DISTINCT ON (m.id_cidadao)
           m.id_cidadao,
           ci.st_hipertensao_arterial::text IN ('1', 'true') AS st_hipertensao,
           ci.st_diabete::text IN ('1', 'true') AS st_diabete,
           nullif(ci.co_dim_equipe, 1) AS co_dim_equipe,
           nullif(ci.co_dim_unidade_saude, 1) AS co_dim_unidade_saude,
           nullif(ci.co_dim_profissional, 1) AS co_dim_profissional,
           CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END AS dt_cadastro
      FROM tb_fat_cad_individual ci
      JOIN cidadao m ON m.co_cidadao = ci.co_fat_cidadao_pec
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = ci.co_dim_tempo
     ORDER BY m.id_cidadao,
              CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END DESC NULLS LAST,
              ci.co_seq_fat_cad_individual DESC
),
diagnostico AS (
    SELECT m.id_cidadao,
           min(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END) AS dt_primeiro,
           max(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END) AS dt_ultimo,
           (array_agg(btrim(cd.nu_cid) ORDER BY CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END DESC NULLS LAST,
                                                      a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE substr(upper(replace(btrim(cd.nu_cid), '.', '')), 1, 3)
                             IN ('E10', 'E11', 'E12', 'E13', 'E14')))[1] AS co_cid,
           (array_agg(btrim(cp.nu_ciap) ORDER BY CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END DESC NULLS LAST,
                                                      a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE upper(btrim(cp.nu_ciap)) IN ('T89', 'T90')))[1] AS co_ciap
      FROM tb_fat_atd_ind_problemas pr
      JOIN tb_fat_atendimento_individual a ON a.co_seq_fat_atd_ind = pr.co_fat_atd_ind
      JOIN cidadao m ON m.co_cidadao = a.co_fat_cidadao_pec
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
      LEFT JOIN tb_dim_cid cd ON cd.co_seq_dim_cid = pr.co_dim_cid
      LEFT JOIN tb_dim_ciap cp ON cp.co_seq_dim_ciap = pr.co_dim_ciap
     WHERE substr(upper(replace(btrim(cd.nu_cid), '.', '')), 1, 3) IN ('E10', 'E11', 'E12', 'E13', 'E14')
        OR upper(btrim(cp.nu_ciap)) IN ('T89', 'T90')
     GROUP BY m.id_cidadao
),
diabetico AS (
    SELECT cadastro.id_cidadao FROM cadastro WHERE cadastro.st_diabete
    UNION
    SELECT diagnostico.id_cidadao FROM diagnostico
),
pessoa AS (
    SELECT m.id_cidadao,
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
      FROM diabetico h
      JOIN cidadao m ON m.id_cidadao = h.id_cidadao
      JOIN tb_fat_cidadao_pec c ON c.co_seq_fat_cidadao_pec = m.co_cidadao
     GROUP BY m.id_cidadao
),
atendimento AS (
    SELECT m.id_cidadao,
           a.co_seq_fat_atd_ind,
           coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END,
                    a.dt_inicial_atendimento::date) AS dt_atendimento,
           a.dt_inicial_atendimento,
           nullif(a.co_dim_profissional_1, 1) AS co_dim_profissional,
           nullif(a.co_dim_cbo_1, 1) AS co_dim_cbo,
           nullif(a.co_dim_equipe_1, 1) AS co_dim_equipe,
           nullif(a.co_dim_unidade_saude_1, 1) AS co_dim_unidade_saude,
           CASE WHEN a.nu_pressao_sistolica > 0 THEN a.nu_pressao_sistolica END AS nu_sistolica,
           CASE WHEN a.nu_pressao_diastolica > 0 THEN a.nu_pressao_diastolica END AS nu_diastolica,
           CASE WHEN a.nu_peso > 0 THEN a.nu_peso END AS nu_peso,
           CASE WHEN a.nu_altura > 0 THEN a.nu_altura END AS nu_altura
      FROM diabetico h
      JOIN cidadao m ON m.id_cidadao = h.id_cidadao
      JOIN tb_fat_atendimento_individual a ON a.co_fat_cidadao_pec = m.co_cidadao
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
),
atendimento_resumo AS (
    SELECT a.id_cidadao,
           max(a.dt_atendimento) AS dt_ultimo_atendimento,
           (array_agg(a.co_dim_profissional ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.co_dim_profissional IS NOT NULL))[1] AS co_dim_profissional,
           (array_agg(a.co_dim_cbo ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.co_dim_profissional IS NOT NULL))[1] AS co_dim_cbo,
           (array_agg(a.co_dim_equipe ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.co_dim_equipe IS NOT NULL))[1] AS co_dim_equipe,
           (array_agg(a.co_dim_unidade_saude ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.co_dim_unidade_saude IS NOT NULL))[1] AS co_dim_unidade_saude,
           count(*) FILTER (WHERE a.dt_atendimento >= (current_date - interval '12 months')::date) AS qt_atendimentos_12m,
           max(a.dt_atendimento) FILTER (WHERE a.nu_sistolica IS NOT NULL) AS dt_ultima_pa,
           (array_agg(a.nu_sistolica ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.nu_sistolica IS NOT NULL))[1] AS nu_sistolica,
           (array_agg(a.nu_diastolica ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.nu_sistolica IS NOT NULL))[1] AS nu_diastolica,
           count(*) FILTER (WHERE a.nu_sistolica IS NOT NULL
                              AND a.dt_atendimento >= (current_date - interval '12 months')::date) AS qt_afericoes_pa_12m,
           (array_agg(a.nu_peso ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.nu_peso IS NOT NULL))[1] AS nu_peso,
           (array_agg(a.nu_altura ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.nu_altura IS NOT NULL))[1] AS nu_altura,
           (array_agg(round(a.nu_peso / (a.nu_altura * a.nu_altura / 10000), 1)
                      ORDER BY a.dt_atendimento DESC, a.dt_inicial_atendimento DESC, a.co_seq_fat_atd_ind DESC)
               FILTER (WHERE a.nu_peso IS NOT NULL AND a.nu_altura IS NOT NULL))[1] AS nu_imc
      FROM atendimento a
     GROUP BY a.id_cidadao
),
visita_resumo AS (
    SELECT m.id_cidadao,
           max(t.dt_registro) AS dt_ultima_visita,
           (array_agg(v.co_dim_profissional ORDER BY t.dt_registro DESC, v.co_seq_fat_visita_domiciliar DESC)
               FILTER (WHERE v.co_dim_profissional <> 1))[1] AS co_dim_profissional,
           count(*) FILTER (WHERE t.dt_registro >= (current_date - interval '12 months')::date) AS qt_visitas_12m
      FROM diabetico h
      JOIN cidadao m ON m.id_cidadao = h.id_cidadao
      JOIN tb_fat_visita_domiciliar v ON v.co_fat_cidadao_pec = m.co_cidadao
      JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = v.co_dim_tempo AND t.nu_ano <> 3000
     GROUP BY m.id_cidadao
),
hba1c AS (
    SELECT m.id_cidadao,
           max(coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date))
               FILTER (WHERE ps.co_proced = '0202010503') AS dt_ultima_solicitacao,
           count(DISTINCT a.co_seq_fat_atd_ind)
               FILTER (WHERE ps.co_proced = '0202010503'
                         AND coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date)
                             >= (current_date - interval '12 months')::date) AS qt_solicitacoes_12m,
           max(coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date))
               FILTER (WHERE pv.co_proced = '0202010503') AS dt_ultima_avaliacao
      FROM diabetico h
      JOIN cidadao m ON m.id_cidadao = h.id_cidadao
      JOIN tb_fat_atendimento_individual a ON a.co_fat_cidadao_pec = m.co_cidadao
      JOIN tb_fat_atd_ind_procedimentos ap ON ap.co_fat_atd_ind = a.co_seq_fat_atd_ind
      LEFT JOIN tb_dim_procedimento ps ON ps.co_seq_dim_procedimento = ap.co_dim_procedimento_solicitado
      LEFT JOIN tb_dim_procedimento pv ON pv.co_seq_dim_procedimento = ap.co_dim_procedimento_avaliado
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
     WHERE ps.co_proced = '0202010503' OR pv.co_proced = '0202010503'
     GROUP BY m.id_cidadao
)
SELECT
    p.id_cidadao::bigint AS id_cidadao,
    p.no_cidadao::text AS no_cidadao,
    p.no_social_cidadao::text AS no_social_cidadao,
    p.nu_cpf::text AS nu_cpf,
    p.nu_cns::text AS nu_cns,
    p.nu_telefone_celular::text AS nu_telefone_celular,
    tn.dt_registro::date AS dt_nascimento,
    date_part('year', age(current_date, tn.dt_registro))::smallint AS nu_idade,
    sx.ds_sexo::text AS ds_sexo,
    p.st_faleceu::boolean AS st_faleceu,
    p.qt_registros::integer AS qt_registros_cidadao,
    mu.co_ibge::text AS co_ibge_municipio,
    mu.no_municipio::text AS no_municipio,
    eq.nu_ine::text AS nu_ine,
    eq.no_equipe::text AS no_equipe,
    us.nu_cnes::text AS nu_cnes,
    us.no_unidade_saude::text AS no_unidade_saude,
    pc.no_profissional::text AS no_profissional_cadastro,
    cad.dt_cadastro::date AS dt_ultimo_cadastro,
    coalesce(cad.st_diabete, false)::boolean AS st_diabetes_autorreferido,
    coalesce(cad.st_hipertensao, false)::boolean AS st_hipertensao_autorreferida,
    (d.id_cidadao IS NOT NULL)::boolean AS st_diabetes_diagnosticado,
    d.co_cid::text AS co_cid_diabetes,
    d.co_ciap::text AS co_ciap_diabetes,
    d.dt_primeiro::date AS dt_primeiro_diagnostico,
    d.dt_ultimo::date AS dt_ultimo_diagnostico,
    ar.dt_ultimo_atendimento::date AS dt_ultimo_atendimento,
    pa.no_profissional::text AS no_profissional_ultimo_atendimento,
    cb.nu_cbo::text AS nu_cbo_ultimo_atendimento,
    coalesce(ar.qt_atendimentos_12m, 0)::integer AS qt_atendimentos_12m,
    coalesce(ar.dt_ultimo_atendimento >= (current_date - interval '6 months')::date, false)::boolean AS st_atendimento_6m,
    hb.dt_ultima_solicitacao::date AS dt_ultima_solicitacao_hba1c,
    coalesce(hb.dt_ultima_solicitacao >= (current_date - interval '6 months')::date, false)::boolean AS st_hba1c_solicitada_6m,
    coalesce(hb.qt_solicitacoes_12m, 0)::integer AS qt_solicitacoes_hba1c_12m,
    hb.dt_ultima_avaliacao::date AS dt_ultima_avaliacao_hba1c,
    ar.dt_ultima_pa::date AS dt_ultima_afericao_pa,
    coalesce(ar.dt_ultima_pa >= (current_date - interval '6 months')::date, false)::boolean AS st_pa_aferida_6m,
    ar.nu_peso::numeric AS nu_peso,
    ar.nu_altura::numeric AS nu_altura,
    ar.nu_imc::numeric AS nu_imc,
    vr.dt_ultima_visita::date AS dt_ultima_visita_domiciliar,
    coalesce(vr.dt_ultima_visita >= (current_date - interval '6 months')::date, false)::boolean AS st_visita_domiciliar_6m,
    coalesce(vr.qt_visitas_12m, 0)::integer AS qt_visitas_domiciliares_12m,
    now()::timestamptz AS dt_extracao,
    (to_char(current_date, 'YYYY') || 'Q' || ((date_part('month', current_date)::integer + 3) / 4)::text)::text AS ds_quadrimestre_atual
  FROM pessoa p
  LEFT JOIN cadastro cad ON cad.id_cidadao = p.id_cidadao
  LEFT JOIN diagnostico d ON d.id_cidadao = p.id_cidadao
  LEFT JOIN atendimento_resumo ar ON ar.id_cidadao = p.id_cidadao
  LEFT JOIN visita_resumo vr ON vr.id_cidadao = p.id_cidadao
  LEFT JOIN hba1c hb ON hb.id_cidadao = p.id_cidadao
  LEFT JOIN tb_dim_tempo tn ON tn.co_seq_dim_tempo = p.co_dim_tempo_nascimento AND tn.nu_ano <> 3000
  LEFT JOIN tb_dim_sexo sx ON sx.co_seq_dim_sexo = p.co_dim_sexo
  LEFT JOIN tb_dim_municipio mu ON mu.co_seq_dim_municipio = p.co_dim_municipio
  LEFT JOIN tb_dim_equipe eq ON eq.co_seq_dim_equipe = coalesce(cad.co_dim_equipe, ar.co_dim_equipe)
  LEFT JOIN tb_dim_unidade_saude us ON us.co_seq_dim_unidade_saude = coalesce(cad.co_dim_unidade_saude, ar.co_dim_unidade_saude)
  LEFT JOIN tb_dim_profissional pc ON pc.co_seq_dim_profissional = cad.co_dim_profissional
  LEFT JOIN tb_dim_profissional pa ON pa.co_seq_dim_profissional = ar.co_dim_profissional
  LEFT JOIN tb_dim_cbo cb ON cb.co_seq_dim_cbo = ar.co_dim_cbo
 ORDER BY p.id_cidadao