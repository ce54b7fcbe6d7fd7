namespace LocalInfra;

/// <summary>A synthetic municipality: its PEC-shaped database, its site registration and its uploader config.</summary>
public sealed record Municipality(string Ibge, string Name, string Database, string SourceConnection, string ConfigPath, string SpoolDirectory, string Token);
