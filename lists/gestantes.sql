/*
  gestantes - one row per event of a pregnant woman: a prenatal consultation, a birth, an abortion, a dental visit
  during pregnancy, an HIV or syphilis test during pregnancy. Key (id_registro, tipo_registro): id_registro is the id
  of the fact row in the table tipo_registro comes from.

  Runs as COPY (<this query>) TO STDOUT (FORMAT csv, HEADER) in a read-only transaction on
  PostgreSQL 9.6 or newer: a single SELECT, no statement terminator, no MATERIALIZED CTEs, nothing
  newer than 9.6, SELECT privileges only.

  Events (tipo_registro):
  - ATENDIMENTO_PRE_NATAL: an individual consultation (tb_fat_atendimento_individual) with a pregnancy problem:
    CIAP-2 W03, W05, W71, W78, W79, W80, W81, W84, W85, or CID-10 Z32-Z36 or O00-O99 other than abortions (O02-O08),
    births (O80-O84) and the puerperium (O85-O92).
  - PARTO: a consultation with CIAP-2 W90-W93 or CID-10 O80-O84. ABORTO: CIAP-2 W82/W83 or CID-10 O02-O08.
    One consultation can be more than one event (e.g. W84 and O80): each kind is its own row.
  - ATENDIMENTO_ODONTOLOGICO: a dental consultation (tb_fat_atendimento_odonto) flagged st_gestante.
  - TESTE_HIV / TESTE_SIFILIS: a procedure done (tb_fat_proced_atend_proced) with SIGTAP 0214010040, 0214010058 or
    0202030300 (HIV) / 0214010082, 0214010074 or 0202031110 (syphilis), kept only when it falls in a known pregnancy
    of the person (the "gestante ou pai/parceiro" codes are also used for partners).

  Pregnancy: the last menstrual period (DUM, co_dim_tempo_dum) recorded in the event itself, else the DUM of the
  person's pregnancy whose window [DUM, DUM + 294 days] holds the event, taken from the newest consultation that
  recorded one (re-estimates replace older ones). Gestational age: as recorded, else whole weeks since the DUM.
  dt_fim_gestacao: the first birth or abortion in that window. st_gestacao_em_curso: a DUM is known, no birth or
  abortion is recorded and DUM + 294 days is not past.

  Person: PEC can hold several tb_fat_cidadao_pec rows for one person. Rows with the same name
  (trimmed, case-insensitive) and the same birth date are one person, whose key id_cidadao is the
  smallest co_seq_fat_cidadao_pec among them (stable: new duplicates get larger ids). Rows without
  a name or with an unknown birth date stay on their own. Name, CPF, CNS and phone come from the
  newest row that has a value. The sex recorded is not used: the events define the population.

  Sentinels: dimension row 1 ('-', e.g. SEM EQUIPE) comes out as NULL, and so does the date
  3000-12-31 (tb_dim_tempo 30001231), also as DUM; a DUM after the event is ignored. st_* flags are read
  through ::text, so they may be integer 0/1 or boolean.

  Extraction-time columns (not compared by the central load, "compare": false): nu_semanas_gestacao_atual
  (weeks since the DUM on the run date, for pregnancies in course), dt_extracao (now()) and ds_quadrimestre_atual
  ('2026Q3' = September to December 2026).
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
codigo AS (
    SELECT pr.co_fat_atd_ind,
           pr.co_seq_fat_atd_ind_problemas,
           nullif(btrim(cd.nu_cid), '-') AS co_cid,
           nullif(btrim(cp.nu_ciap), '-') AS co_ciap,
           substr(upper(replace(btrim(cd.nu_cid), '.', '')), 1, 3) AS cid3,
           upper(btrim(cp.nu_ciap)) AS ciap
      FROM tb_fat_atd_ind_problemas pr
      LEFT JOIN tb_dim_cid cd ON cd.co_seq_dim_cid = pr.co_dim_cid
      LEFT JOIN tb_dim_ciap cp ON cp.co_seq_dim_ciap = pr.co_dim_ciap
),
classe AS (
    SELECT c.co_fat_atd_ind,
           c.co_seq_fat_atd_ind_problemas,
           c.co_cid,
           c.co_ciap,
           (c.ciap IN ('W90', 'W91', 'W92', 'W93') OR c.cid3 IN ('O80', 'O81', 'O82', 'O83', 'O84')) AS st_parto,
           (c.ciap IN ('W82', 'W83') OR c.cid3 IN ('O02', 'O03', 'O04', 'O05', 'O06', 'O07', 'O08')) AS st_aborto,
           (c.ciap IN ('W03', 'W05', 'W71', 'W78', 'W79', 'W80', 'W81', 'W84', 'W85')
            OR c.cid3 IN ('Z32', 'Z33', 'Z34', 'Z35', 'Z36')
            OR (c.cid3 LIKE 'O%' AND c.cid3 NOT IN ('O02', 'O03', 'O04', 'O05', 'O06', 'O07', 'O08',
                                                    'O80', 'O81', 'O82', 'O83', 'O84',
                                                    'O85', 'O86', 'O87', 'O88', 'O89', 'O90', 'O91', 'O92'))) AS st_gestacao
      FROM codigo c
     WHERE c.cid3 LIKE 'O%' OR c.cid3 LIKE 'Z3%' OR c.ciap LIKE 'W%'
),
problema AS (
    SELECT k.co_fat_atd_ind,
           bool_or(k.st_gestacao) AS st_gestacao,
           bool_or(k.st_parto) AS st_parto,
           bool_or(k.st_aborto) AS st_aborto,
           (array_agg(k.co_cid ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_gestacao AND k.co_cid IS NOT NULL))[1] AS co_cid_gestacao,
           (array_agg(k.co_ciap ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_gestacao AND k.co_ciap IS NOT NULL))[1] AS co_ciap_gestacao,
           (array_agg(k.co_cid ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_parto AND k.co_cid IS NOT NULL))[1] AS co_cid_parto,
           (array_agg(k.co_ciap ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_parto AND k.co_ciap IS NOT NULL))[1] AS co_ciap_parto,
           (array_agg(k.co_cid ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_aborto AND k.co_cid IS NOT NULL))[1] AS co_cid_aborto,
           (array_agg(k.co_ciap ORDER BY k.co_seq_fat_atd_ind_problemas) FILTER (WHERE k.st_aborto AND k.co_ciap IS NOT NULL))[1] AS co_ciap_aborto
      FROM classe k
     WHERE k.st_gestacao OR k.st_parto OR k.st_aborto
     GROUP BY k.co_fat_atd_ind
),
atendimento AS (
    SELECT a.co_seq_fat_atd_ind,
           m.id_cidadao,
           coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, a.dt_inicial_atendimento::date) AS dt_registro,
           td.dt_registro AS dt_dum_registrada,
           CASE WHEN a.nu_idade_gestacional_semanas BETWEEN 0 AND 45 THEN a.nu_idade_gestacional_semanas END AS nu_semanas,
           CASE WHEN a.nu_pressao_sistolica > 0 THEN a.nu_pressao_sistolica END AS nu_sistolica,
           CASE WHEN a.nu_pressao_diastolica > 0 THEN a.nu_pressao_diastolica END AS nu_diastolica,
           CASE WHEN a.nu_peso > 0 THEN a.nu_peso END AS nu_peso,
           nullif(a.co_dim_profissional_1, 1) AS co_dim_profissional,
           nullif(a.co_dim_cbo_1, 1) AS co_dim_cbo,
           nullif(a.co_dim_equipe_1, 1) AS co_dim_equipe,
           nullif(a.co_dim_unidade_saude_1, 1) AS co_dim_unidade_saude,
           pb.*
      FROM problema pb
      JOIN tb_fat_atendimento_individual a ON a.co_seq_fat_atd_ind = pb.co_fat_atd_ind
      JOIN cidadao m ON m.co_cidadao = a.co_fat_cidadao_pec
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = a.co_dim_tempo
      LEFT JOIN tb_dim_tempo td ON td.co_seq_dim_tempo = a.co_dim_tempo_dum AND td.nu_ano <> 3000
),
evento AS (
    SELECT a.co_seq_fat_atd_ind AS id_registro, 'ATENDIMENTO_PRE_NATAL'::text AS tipo_registro, a.id_cidadao, a.dt_registro,
           CASE WHEN a.dt_dum_registrada <= a.dt_registro THEN a.dt_dum_registrada END AS dt_dum_registrada, a.nu_semanas,
           a.co_cid_gestacao AS co_cid, a.co_ciap_gestacao AS co_ciap, NULL::text AS co_proced, NULL::text AS ds_proced,
           a.nu_sistolica, a.nu_diastolica, a.nu_peso, a.co_dim_profissional, a.co_dim_cbo, a.co_dim_equipe, a.co_dim_unidade_saude
      FROM atendimento a
     WHERE a.st_gestacao
    UNION ALL
    SELECT a.co_seq_fat_atd_ind, 'PARTO', a.id_cidadao, a.dt_registro,
           CASE WHEN a.dt_dum_registrada <= a.dt_registro THEN a.dt_dum_registrada END, a.nu_semanas,
           a.co_cid_parto, a.co_ciap_parto, NULL, NULL,
           a.nu_sistolica, a.nu_diastolica, a.nu_peso, a.co_dim_profissional, a.co_dim_cbo, a.co_dim_equipe, a.co_dim_unidade_saude
      FROM atendimento a
     WHERE a.st_parto
    UNION ALL
    SELECT a.co_seq_fat_atd_ind, 'ABORTO', a.id_cidadao, a.dt_registro,
           CASE WHEN a.dt_dum_registrada <= a.dt_registro THEN a.dt_dum_registrada END, a.nu_semanas,
           a.co_cid_aborto, a.co_ciap_aborto, NULL, NULL,
           a.nu_sistolica, a.nu_diastolica, a.nu_peso, a.co_dim_profissional, a.co_dim_cbo, a.co_dim_equipe, a.co_dim_unidade_saude
      FROM atendimento a
     WHERE a.st_aborto
    UNION ALL
    SELECT o.co_seq_fat_atd_odnt, 'ATENDIMENTO_ODONTOLOGICO', m.id_cidadao,
           coalesce(CASE WHEN t.nu_ano <> 3000 THEN t.dt_registro END, o.dt_inicial_atendimento::date),
           NULL::date, NULL::integer, NULL, NULL, NULL, NULL, NULL::integer, NULL::integer, NULL::numeric,
           nullif(o.co_dim_profissional_1, 1), nullif(o.co_dim_cbo_1, 1), nullif(o.co_dim_equipe_1, 1), nullif(o.co_dim_unidade_saude_1, 1)
      FROM tb_fat_atendimento_odonto o
      JOIN cidadao m ON m.co_cidadao = o.co_fat_cidadao_pec
      LEFT JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = o.co_dim_tempo
     WHERE o.st_gestante::text IN ('1', 'true')
    UNION ALL
    SELECT f.co_seq_fat_proced_atend_proced,
           CASE WHEN btrim(pr.co_proced) IN ('0214010040', '0214010058', '0202030300') THEN 'TESTE_HIV' ELSE 'TESTE_SIFILIS' END,
           m.id_cidadao, t.dt_registro,
           NULL::date, NULL::integer, NULL, NULL, btrim(pr.co_proced), pr.ds_proced, NULL::integer, NULL::integer, NULL::numeric,
           nullif(f.co_dim_profissional, 1), nullif(f.co_dim_cbo, 1), nullif(f.co_dim_equipe, 1), nullif(f.co_dim_unidade_saude, 1)
      FROM tb_fat_proced_atend_proced f
      JOIN tb_dim_procedimento pr ON pr.co_seq_dim_procedimento = f.co_dim_procedimento
      JOIN cidadao m ON m.co_cidadao = f.co_fat_cidadao_pec
      JOIN tb_dim_tempo t ON t.co_seq_dim_tempo = f.co_dim_tempo AND t.nu_ano <> 3000
     WHERE btrim(pr.co_proced) IN ('0214010040', '0214010058', '0202030300', '0214010082', '0214010074', '0202031110')
),
dum AS (
    SELECT e.id_cidadao, e.dt_registro, e.id_registro, e.dt_dum_registrada AS dt_dum
      FROM evento e
     WHERE e.dt_dum_registrada IS NOT NULL
),
evento_dum AS (
    SELECT DISTINCT ON (e.tipo_registro, e.id_registro)
           e.tipo_registro, e.id_registro, d.dt_dum
      FROM evento e
      JOIN dum d ON d.id_cidadao = e.id_cidadao
                AND d.dt_dum <= e.dt_registro
                AND e.dt_registro <= d.dt_dum + 294
     WHERE e.dt_dum_registrada IS NULL
     ORDER BY e.tipo_registro, e.id_registro, d.dt_registro DESC, d.id_registro DESC
),
gestacao AS (
    SELECT e.*, coalesce(e.dt_dum_registrada, ed.dt_dum) AS dt_dum
      FROM evento e
      LEFT JOIN evento_dum ed ON ed.tipo_registro = e.tipo_registro AND ed.id_registro = e.id_registro
     WHERE e.tipo_registro NOT IN ('TESTE_HIV', 'TESTE_SIFILIS')
        OR ed.dt_dum IS NOT NULL
),
desfecho AS (
    SELECT g.tipo_registro, g.id_registro, min(f.dt_registro) AS dt_fim
      FROM gestacao g
      JOIN evento f ON f.id_cidadao = g.id_cidadao
                   AND f.tipo_registro IN ('PARTO', 'ABORTO')
                   AND f.dt_registro >= g.dt_dum
                   AND f.dt_registro <= g.dt_dum + 294
     GROUP BY g.tipo_registro, g.id_registro
),
pessoa AS (
    SELECT m.id_cidadao,
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
           max(c.co_dim_tempo_nascimento) AS co_dim_tempo_nascimento
      FROM (SELECT DISTINCT g.id_cidadao FROM gestacao g) gi
      JOIN cidadao m ON m.id_cidadao = gi.id_cidadao
      JOIN tb_fat_cidadao_pec c ON c.co_seq_fat_cidadao_pec = m.co_cidadao
     GROUP BY m.id_cidadao
)
SELECT
    g.id_registro::int8 AS id_registro,
    g.tipo_registro::varchar(30) AS tipo_registro,
    g.id_cidadao::int8 AS id_cidadao,
    p.no_cidadao::text AS no_cidadao,
    p.no_social_cidadao::text AS no_social_cidadao,
    p.nu_cpf::varchar(11) AS nu_cpf,
    p.nu_cns::varchar(15) AS nu_cns,
    p.nu_telefone_celular::varchar(20) AS nu_telefone_celular,
    tn.dt_registro::date AS dt_nascimento,
    date_part('year', age(g.dt_registro, tn.dt_registro))::int2 AS nu_idade_no_registro,
    g.dt_registro::date AS dt_registro,
    g.dt_dum::date AS dt_dum,
    coalesce(g.nu_semanas, (g.dt_registro - g.dt_dum) / 7)::int4 AS nu_idade_gestacional_semanas,
    (g.dt_dum + 280)::date AS dt_provavel_parto,
    de.dt_fim::date AS dt_fim_gestacao,
    g.co_cid::varchar(10) AS co_cid,
    g.co_ciap::varchar(10) AS co_ciap,
    g.co_proced::varchar(20) AS co_procedimento,
    g.ds_proced::text AS ds_procedimento,
    g.nu_sistolica::int4 AS nu_pa_sistolica,
    g.nu_diastolica::int4 AS nu_pa_diastolica,
    g.nu_peso::numeric AS nu_peso,
    pf.no_profissional::text AS no_profissional,
    cb.nu_cbo::varchar(10) AS nu_cbo,
    eq.nu_ine::varchar(10) AS nu_ine,
    eq.no_equipe::text AS no_equipe,
    us.nu_cnes::varchar(7) AS nu_cnes,
    us.no_unidade_saude::text AS no_unidade_saude,
    (g.dt_dum IS NOT NULL AND de.dt_fim IS NULL AND g.dt_dum + 294 >= current_date)::bool AS st_gestacao_em_curso,
    (CASE WHEN g.dt_dum IS NOT NULL AND de.dt_fim IS NULL AND g.dt_dum + 294 >= current_date
          THEN (current_date - g.dt_dum) / 7
     END)::int4 AS nu_semanas_gestacao_atual,
    now()::timestamptz AS dt_extracao,
    (to_char(current_date, 'YYYY') || 'Q' || ((date_part('month', current_date)::integer + 3) / 4)::text)::varchar(6) AS ds_quadrimestre_atual
  FROM gestacao g
  JOIN pessoa p ON p.id_cidadao = g.id_cidadao
  LEFT JOIN desfecho de ON de.tipo_registro = g.tipo_registro AND de.id_registro = g.id_registro
  LEFT JOIN tb_dim_tempo tn ON tn.co_seq_dim_tempo = p.co_dim_tempo_nascimento AND tn.nu_ano <> 3000
  LEFT JOIN tb_dim_profissional pf ON pf.co_seq_dim_profissional = g.co_dim_profissional
  LEFT JOIN tb_dim_cbo cb ON cb.co_seq_dim_cbo = g.co_dim_cbo
  LEFT JOIN tb_dim_equipe eq ON eq.co_seq_dim_equipe = g.co_dim_equipe
  LEFT JOIN tb_dim_unidade_saude us ON us.co_seq_dim_unidade_saude = g.co_dim_unidade_saude
 ORDER BY g.id_cidadao, g.dt_registro, g.tipo_registro, g.id_registro
