namespace SyntheticPec;

internal readonly record struct MunicipioRow(long Id, string Ibge, string Name, string Uf);
