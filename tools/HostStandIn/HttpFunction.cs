namespace HostStandIn;

/// <summary>An HTTP-triggered function as its function.json declares it.</summary>
public sealed record HttpFunction(string Name, string Route, IReadOnlyList<string> Methods, string AuthLevel, bool IsHttpInAndOut);
