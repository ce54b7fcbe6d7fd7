namespace SyntheticPec;

internal readonly record struct ProfissionalRow(long Id, string Cns, string Name, long Cbo);
