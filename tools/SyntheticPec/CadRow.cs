namespace SyntheticPec;

internal readonly record struct CadRow(
    long Id, long? Cidadao, long Tempo, int Hipertensao, int Diabete, long Equipe, long Unidade, long Profissional,
    long Cbo, string Uuid);
