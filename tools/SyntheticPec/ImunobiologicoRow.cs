namespace SyntheticPec;

internal readonly record struct ImunobiologicoRow(long Id, string Code, string Sigla, string Name);
