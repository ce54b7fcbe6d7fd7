namespace PecLists.Contracts;

/// <summary>
/// The heartbeat's report of the last self-update: <see cref="UpdateStates"/> value, the version involved, the version
/// the site came from, and for a failure or rollback a <see cref="UpdateFailureCodes"/> reason.
/// </summary>
public sealed record UpdateReportDto(
    string State,
    string Version,
    string? FromVersion = null,
    string? Reason = null,
    DateTimeOffset? At = null);
