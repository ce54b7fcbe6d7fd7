namespace SyntheticPec;

/// <summary>A row of tb_fat_proced_atend_proced: a procedure done (a cito collection, a rapid test...).</summary>
internal readonly record struct ProcedRow(
    long Id, long? Cidadao, long Tempo, long Procedimento, long Profissional, long Cbo, long Equipe, long Unidade, string Uuid);
