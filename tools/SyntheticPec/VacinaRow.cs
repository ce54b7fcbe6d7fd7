namespace SyntheticPec;

/// <summary>A row of tb_fat_vacinacao_vacina: one dose applied, in a <see cref="VacinacaoRow"/>.</summary>
internal readonly record struct VacinaRow(long Id, long Vacinacao, long? Cidadao, long Tempo, long Imunobiologico, long Dose);
