using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Data;
using Npgsql;

namespace PecLists.Functions.Releases;

/// <summary>
/// The operator's rollout of published releases (docs/adr/0026-uploader-releases-and-rollout.md): a canary set first
/// (named sites and/or a hashed share), then promote to every site; halt and resume; pin a site to a version and unpin
/// it; clear a version a site blocked. Each change and its audit row commit together; each refuses, changing nothing,
/// what would not be served (an unknown or expired release, a canary not above the current version).
/// </summary>
public sealed class ReleaseRollouts(NpgsqlDataSource database, TimeProvider time)
{
    /// <summary>Sends <paramref name="version"/> to the canary set: <paramref name="sites"/> by IBGE code and <paramref name="percent"/> of the fleet by hash.</summary>
    public Task<RolloutChange> StartAsync(string runtime, string version, IReadOnlyList<string> sites, int percent, string actor, CancellationToken ct) =>
        ChangeAsync(runtime, actor, async (connection, transaction, rollout) =>
        {
            if (percent is < 0 or > 100)
            {
                return new(false, "--percent must be between 0 and 100.");
            }

            if (sites.Count == 0 && percent == 0)
            {
                return new(false, "name the canary sites (--sites) or a share of the fleet (--percent), or both; 'releases promote' sends a release to every site.");
            }

            if (sites.FirstOrDefault(s => !IbgeCode.IsValid(s)) is { } bad)
            {
                return new(false, $"'{bad}' is not a 7-digit IBGE code.");
            }

            var unknown = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT s FROM unnest(@sites::text[]) s WHERE NOT EXISTS (SELECT 1 FROM ingest.sites WHERE site_id = s)",
                new { sites = sites.ToArray() }, transaction, cancellationToken: ct))).ToList();
            if (unknown.Count > 0)
            {
                return new(false, $"unknown site(s) {string.Join(", ", unknown)}: add them first ('sites add').");
            }

            if (await ServableProblemAsync(connection, transaction, runtime, version, ct) is { } problem)
            {
                return new(false, problem);
            }

            if (rollout?.CurrentVersion is { } current && Parse(version) <= Parse(current))
            {
                return new(false, $"{version} is not above {current}, which every {runtime} site already gets: a canary must be a newer release.");
            }

            await SetAsync(connection, transaction, runtime, rollout?.CurrentVersion, version, [.. sites.Distinct(StringComparer.Ordinal)], percent, halted: false, actor, ct);
            return new(true, $"{runtime} {version} goes to the canary set: {(sites.Count > 0 ? $"site(s) {string.Join(", ", sites)}" : "no named sites")}" +
                $"{(percent > 0 ? $" and {percent} % of the fleet (by hash of the site id)" : string.Empty)}; every other site stays on {rollout?.CurrentVersion ?? "what it runs"}.");
        }, OperatorAudit.ReleaseRollout, new Dictionary<string, object?> { ["version"] = version, ["sites"] = sites, ["percent"] = percent }, ct);

    /// <summary>The canary version becomes the version every site gets.</summary>
    public Task<RolloutChange> PromoteAsync(string runtime, string actor, CancellationToken ct) =>
        ChangeAsync(runtime, actor, async (connection, transaction, rollout) =>
        {
            if (rollout?.CanaryVersion is not { } canary)
            {
                return new(false, $"no {runtime} release is in canary: start one with 'releases rollout'.");
            }

            if (await ServableProblemAsync(connection, transaction, runtime, canary, ct) is { } problem)
            {
                return new(false, problem);
            }

            await SetAsync(connection, transaction, runtime, canary, null, [], 0, halted: false, actor, ct);
            return new(true, $"{runtime} {canary} goes to every site.");
        }, OperatorAudit.ReleasePromote, null, ct);

    /// <summary>Stops offering anything but pins: sites stay on what they run until <see cref="ResumeAsync"/>.</summary>
    public Task<RolloutChange> HaltAsync(string runtime, string actor, CancellationToken ct) =>
        ChangeAsync(runtime, actor, async (connection, transaction, rollout) =>
        {
            if (rollout is null)
            {
                return new(false, $"no {runtime} rollout to halt.");
            }

            await SetAsync(connection, transaction, runtime, rollout.CurrentVersion, rollout.CanaryVersion, rollout.CanarySites, rollout.CanaryPercent, halted: true, actor, ct);
            return new(true, $"{runtime} rollout halted: sites stay on what they run (pins still apply). 'releases resume' goes on, 'releases rollback' goes back.");
        }, OperatorAudit.ReleaseHalt, null, ct);

    public Task<RolloutChange> ResumeAsync(string runtime, string actor, CancellationToken ct) =>
        ChangeAsync(runtime, actor, async (connection, transaction, rollout) =>
        {
            if (rollout is not { Halted: true })
            {
                return new(false, $"the {runtime} rollout is not halted.");
            }

            await SetAsync(connection, transaction, runtime, rollout.CurrentVersion, rollout.CanaryVersion, rollout.CanarySites, rollout.CanaryPercent, halted: false, actor, ct);
            return new(true, $"{runtime} rollout resumed.");
        }, OperatorAudit.ReleaseResume, null, ct);

    /// <summary>Holds one site at one published version, whatever the rollout says.</summary>
    public Task<RolloutChange> PinAsync(string site, string runtime, string version, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            if ((await SiteProblemAsync(connection, transaction, site, ct) ?? await ServableProblemAsync(connection, transaction, runtime, version, ct)) is { } problem)
            {
                return (new RolloutChange(false, problem), (AuditEntry?)null);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO ingest.release_pins (site_id, runtime, version, pinned_by) VALUES (@site, @runtime, @version, @actor)
                ON CONFLICT (site_id, runtime) DO UPDATE SET version = excluded.version, pinned_at = clock_timestamp(), pinned_by = excluded.pinned_by
                """, new { site, runtime, version, actor }, transaction, cancellationToken: ct));
            return (new RolloutChange(true, $"site {site} is pinned to {runtime} {version} (a site never installs a version below what it runs)."),
                new AuditEntry(OperatorAudit.ReleasePin, $"{site}/{runtime}", new Dictionary<string, object?> { ["version"] = version }));
        }, ct);

    public Task<RolloutChange> UnpinAsync(string site, string runtime, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            var removed = await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM ingest.release_pins WHERE site_id = @site AND runtime = @runtime", new { site, runtime }, transaction, cancellationToken: ct));
            return removed == 0
                ? (new RolloutChange(false, $"site {site} is not pinned for {runtime}."), (AuditEntry?)null)
                : (new RolloutChange(true, $"site {site} follows the {runtime} rollout again."), new AuditEntry(OperatorAudit.ReleaseUnpin, $"{site}/{runtime}"));
        }, ct);

    /// <summary>
    /// Lets a site try again a version it rolled back (or whose binary failed there): the manifest answer carries
    /// <see cref="WireNames.ReleaseClearedHeader"/> until the site blocks that version again.
    /// </summary>
    public Task<RolloutChange> ClearAsync(string site, string version, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            if (await SiteProblemAsync(connection, transaction, site, ct) is { } problem)
            {
                return (new RolloutChange(false, problem), (AuditEntry?)null);
            }

            if (!ReleaseVersion.TryParse(version, out _))
            {
                return (new RolloutChange(false, $"'{version}' is not a release version (major.minor.patch)."), (AuditEntry?)null);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO ingest.release_blocks (site_id, version, cleared_at, cleared_by) VALUES (@site, @version, @now, @actor)
                ON CONFLICT (site_id, version) DO UPDATE SET cleared_at = excluded.cleared_at, cleared_by = excluded.cleared_by
                """, new { site, version, now = time.GetUtcNow(), actor }, transaction, cancellationToken: ct));
            return (new RolloutChange(true, $"site {site} may try {version} again at its next run."),
                new AuditEntry(OperatorAudit.ReleaseClear, $"{site}/{version}"));
        }, ct);

    /// <summary>Writes a runtime's rollout row (insert or replace), in the caller's transaction.</summary>
    internal static Task SetAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string runtime, string? current, string? canary, IReadOnlyList<string> sites, int percent, bool halted, string actor, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.release_rollouts (runtime, current_version, canary_version, canary_sites, canary_percent, halted, changed_by)
            VALUES (@runtime, @current, @canary, @sites, @percent, @halted, @actor)
            ON CONFLICT (runtime) DO UPDATE SET current_version = excluded.current_version, canary_version = excluded.canary_version,
                canary_sites = excluded.canary_sites, canary_percent = excluded.canary_percent, halted = excluded.halted,
                changed_at = clock_timestamp(), changed_by = excluded.changed_by
            """, new { runtime, current, canary, sites = sites.ToArray(), percent, halted, actor }, transaction, cancellationToken: ct));

    private async Task<RolloutChange> ChangeAsync(
        string runtime, string actor, Func<NpgsqlConnection, NpgsqlTransaction, RolloutState?, Task<RolloutChange>> change, string action, Dictionary<string, object?>? detail, CancellationToken ct)
    {
        if (!ReleaseRuntimes.IsKnown(runtime))
        {
            return new(false, $"runtime '{runtime}' must be one of {string.Join(", ", ReleaseRuntimes.All)}.");
        }

        return await OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            // The row is locked for the change; a runtime without one is serialised by its primary key on insert.
            var rollout = await ReleaseCatalog.ReadRolloutAsync(connection, runtime, ct, transaction, forUpdate: true);
            var result = await change(connection, transaction, rollout);
            return (result, result.Done ? new AuditEntry(action, runtime, detail) : null);
        }, ct);
    }

    private async Task<string?> ServableProblemAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string runtime, string version, CancellationToken ct)
    {
        if (!ReleaseRuntimes.IsKnown(runtime))
        {
            return $"runtime '{runtime}' must be one of {string.Join(", ", ReleaseRuntimes.All)}.";
        }

        var release = await ReleaseCatalog.FindAsync(connection, runtime, version, ct, transaction);
        if (release is null)
        {
            return $"{runtime} {version} is not published: 'releases publish' it first.";
        }

        return release.IsExpired(time.GetUtcNow())
            ? $"the manifest of {runtime} {version} expired at {release.Manifest.ExpiresAt:yyyy-MM-dd HH:mm}Z and would not be served: sign it again and publish the new manifest."
            : null;
    }

    private static async Task<string?> SiteProblemAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string site, CancellationToken ct) =>
        !IbgeCode.IsValid(site) ? $"'{site}' is not a 7-digit IBGE code."
        : await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM ingest.sites WHERE site_id = @site)", new { site }, transaction, cancellationToken: ct))
            ? null
            : $"unknown site {site}.";

    private static ReleaseVersion Parse(string version) => ReleaseVersion.TryParse(version, out var parsed) ? parsed : default;
}
