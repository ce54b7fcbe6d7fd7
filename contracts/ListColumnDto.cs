namespace Ingest.Contracts;

public sealed record ListColumnDto(string Name, string Type);
