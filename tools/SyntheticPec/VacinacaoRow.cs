namespace SyntheticPec;

/// <summary>A row of tb_fat_vacinacao: one vaccination record (ficha) of a person on a day.</summary>
internal readonly record struct VacinacaoRow(
    long Id, long? Cidadao, long Tempo, long Profissional, long Cbo, long Equipe, long Unidade, string Uuid);
