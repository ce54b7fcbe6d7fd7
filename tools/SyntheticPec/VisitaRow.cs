namespace SyntheticPec;

internal readonly record struct VisitaRow(
    long Id, long? Cidadao, long Tempo, long Profissional, long Cbo, long Equipe, long Unidade, string Uuid);
