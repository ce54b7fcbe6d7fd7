using PecLists.Contracts;

namespace PecLists.Functions.Operations;

/// <summary>
/// What GET /api/v1/health answers: <see cref="HealthStatuses.Ok"/>, or <see cref="HealthStatuses.Degraded"/> naming each
/// dependency that is down and why (<see cref="HealthStatuses.Down"/>).
/// </summary>
public sealed record HealthReport(string Status, IReadOnlyDictionary<string, string> Checks);
