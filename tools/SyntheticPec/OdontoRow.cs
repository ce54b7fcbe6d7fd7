namespace SyntheticPec;

/// <summary>A row of tb_fat_atendimento_odonto; <paramref name="Gestante"/> is the st_gestante flag (0/1).</summary>
internal readonly record struct OdontoRow(
    long Id, long? Cidadao, long Tempo, long Profissional, long Cbo, long Equipe, long Unidade, DateTime Start, int Gestante, string Uuid);
