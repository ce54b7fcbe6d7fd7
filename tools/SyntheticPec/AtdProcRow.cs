namespace SyntheticPec;

/// <summary>A row of tb_fat_atd_ind_procedimentos: a procedure evaluated or requested in a consultation (the other side is 1, '-').</summary>
internal readonly record struct AtdProcRow(long Id, long Atendimento, long Avaliado, long Solicitado);
