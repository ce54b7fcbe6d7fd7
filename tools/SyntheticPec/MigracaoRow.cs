namespace SyntheticPec;

internal readonly record struct MigracaoRow(string Id, string Filename, DateTime Executed, int Order, string Md5);
