using PecLists.Contracts;
using PecLists.Uploader.Pipeline;

namespace PecLists.Uploader.Diagnostics;

/// <summary>What a doctor found: the checks in order, the definitions refused, and what the first failure stands for.</summary>
public sealed class DoctorReport(IReadOnlyList<DoctorCheck> checks, IReadOnlyList<RefusedDefinition> refused)
{
    public IReadOnlyList<DoctorCheck> Checks { get; } = checks;

    public IReadOnlyList<RefusedDefinition> Refused { get; } = refused;

    public DoctorCheck? FirstFailure => Checks.FirstOrDefault(c => c.Outcome == DoctorOutcome.Fail);

    public int FailureCount => Checks.Count(c => c.Outcome == DoctorOutcome.Fail);

    /// <summary>The first failure's category (contracts' <see cref="FailureCategories"/>), null when nothing failed.</summary>
    public string? FailureCategory => FirstFailure?.Category;

    /// <summary>0 when nothing failed, else the exit code run gives the first failure's category.</summary>
    public int ExitCode => FailureCategory is { } category ? ExitCodes.For(category) : ExitCodes.Ok;

    public bool DatabaseReachable => Checks.Any(c => c.Name == DatabaseChecks.Database && c.Outcome == DoctorOutcome.Pass);

    /// <summary>The report as a doctor heartbeat: errorCode is the first failure's category, each check keeps its finer code.</summary>
    public HeartbeatDto Heartbeat(DateTimeOffset sentAt) => Heartbeats.ForDoctor(
        sentAt,
        FailureCategory,
        DatabaseReachable,
        [.. Checks.Select(c => new HeartbeatCheck(c.Name, c.Outcome != DoctorOutcome.Fail, c.Code))],
        Refused);
}
