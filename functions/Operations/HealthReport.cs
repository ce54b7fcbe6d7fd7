namespace PecLists.Functions.Operations;

/// <summary>What GET /api/v1/health answers: "ok", or "degraded" naming each dependency that is down and why.</summary>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
