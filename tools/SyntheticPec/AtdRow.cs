namespace SyntheticPec;

/// <summary>A row of tb_fat_atendimento_individual; <paramref name="Dum"/> is a tb_dim_tempo key (30001231 when unknown).</summary>
internal readonly record struct AtdRow(
    long Id, long? Cidadao, long Tempo, long Cbo, long Profissional, long Equipe, long Unidade, DateTime Start,
    int? Sistolica, int? Diastolica, decimal? Peso, decimal? Altura, string Uuid,
    long Dum = PecGenerator.NoDate, int? IdadeGestacional = null);
