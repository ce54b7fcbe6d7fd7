using PecLists.Contracts;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Pipeline;

/// <summary>
/// What a run asks of the uploader's self-update (Updating/SelfUpdate, docs/adr/0027): the report each site's heartbeat
/// carries, and, after every site delivered, the check for a newer release. An interface so the pipeline does not
/// depend on the folder that starts processes and swaps binaries.
/// </summary>
public interface ISelfUpdate
{
    /// <summary>The last update's report when <paramref name="site"/> has not heard it yet (its heartbeat carries it).</summary>
    UpdateReportDto? ReportFor(string site);

    /// <summary>After <paramref name="site"/>'s heartbeat carrying <paramref name="report"/> arrived: not told again.</summary>
    void Reported(string site, UpdateReportDto report);

    /// <summary>Whether a run in <paramref name="scope"/> checks for a release now.</summary>
    bool IsDue(RunScope scope, SpoolState state);

    /// <summary>Checks for a release and installs it: true when a new release is now current.</summary>
    Task<bool> CheckAsync(SpoolState state, CancellationToken ct);
}
