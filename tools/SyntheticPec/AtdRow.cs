namespace SyntheticPec;

internal readonly record struct AtdRow(
    long Id, long? Cidadao, long Tempo, long Cbo, long Profissional, long Equipe, long Unidade, DateTime Start,
    int? Sistolica, int? Diastolica, decimal? Peso, decimal? Altura, string Uuid);
