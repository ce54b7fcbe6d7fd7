namespace HostStandIn;

/// <summary>host.json <c>customHandler</c>, resolved as the host resolves it.</summary>
public sealed record CustomHandlerDescription(string ExecutablePath, IReadOnlyList<string> Arguments, string WorkingDirectory, bool EnableForwardingHttpRequest);
