namespace SyntheticPec;

internal readonly record struct CodeRow(long Id, string Code, string Name);
