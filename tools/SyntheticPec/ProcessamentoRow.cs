namespace SyntheticPec;

internal readonly record struct ProcessamentoRow(long Id, DateTime Start, DateTime End);
