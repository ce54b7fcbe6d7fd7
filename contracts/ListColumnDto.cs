namespace PecLists.Contracts;

public sealed record ListColumnDto(string Name, string Type);
