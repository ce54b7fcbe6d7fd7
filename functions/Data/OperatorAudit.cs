using System.Text.Json;
using Dapper;
using Npgsql;

namespace PecLists.Functions.Data;

/// <summary>
/// Writes one row of <c>ingest.operator_audit</c> per operator action (who, what, on what, a little detail). It only
/// writes; callers choose what to record, and record it in their own transaction when they have one, so an action and
/// its audit row commit together. Never pass a token or a definition's SQL as detail. Rows are deleted only by the
/// retention run, past Retention:AuditDays (five years; 0 keeps them), and never the issue of a token still live.
/// </summary>
public static class OperatorAudit
{
    public const string ListPublish = "list-publish";
    public const string ListActivate = "list-activate";

    /// <summary>A list's central views created, replaced or dropped by an activation (docs/adr/0022-list-definitions-beyond-one-query.md).</summary>
    public const string ListViews = "list-views";
    public const string OperatorTokenIssue = "operator-token-issue";
    public const string OperatorTokenRevoke = "operator-token-revoke";
    public const string SiteAdd = "site-add";
    public const string SiteTokenIssue = "site-token-issue";
    public const string SiteTokenRevoke = "site-token-revoke";
    public const string Replay = "replay";
    public const string HeldApply = "held-snapshot-apply";
    public const string HeldDrop = "held-snapshot-drop";

    // Uploader releases (docs/adr/0026-uploader-releases-and-rollout.md).
    public const string ReleasePublish = "release-publish";
    public const string ReleaseResign = "release-resign";
    public const string ReleaseRollout = "release-rollout";
    public const string ReleasePromote = "release-promote";
    public const string ReleaseHalt = "release-halt";
    public const string ReleaseResume = "release-resume";
    public const string ReleaseRollback = "release-rollback";
    public const string ReleasePin = "release-pin";
    public const string ReleaseUnpin = "release-unpin";
    public const string ReleaseClear = "release-clear";

    public static async Task RecordAsync(NpgsqlDataSource dataSource, string actor, string action, string target, IReadOnlyDictionary<string, object?>? detail, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await RecordAsync(connection, null, actor, action, target, detail, ct);
    }

    /// <summary>
    /// Runs an operator action and records its audit row in one transaction: both commit or neither (an action that
    /// throws leaves no audit row, an audit insert that fails undoes the action). The action answers its result and the
    /// entry to record, or no entry when it changed nothing (no live token with that id).
    /// </summary>
    public static async Task<T> AuditedAsync<T>(
        NpgsqlDataSource dataSource, string actor, Func<NpgsqlConnection, NpgsqlTransaction, Task<(T Result, AuditEntry? Entry)>> action, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (result, entry) = await action(connection, transaction);
        if (entry is not null)
        {
            await RecordAsync(connection, transaction, actor, entry.Action, entry.Target, entry.Detail, ct);
        }

        await transaction.CommitAsync(ct);
        return result;
    }

    public static Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string actor, string action, string target, IReadOnlyDictionary<string, object?>? detail, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest.operator_audit (actor, action, target, detail) VALUES (@actor, @action, @target, @detail::jsonb)",
            new { actor, action, target, detail = JsonSerializer.Serialize(detail ?? new Dictionary<string, object?>(), JsonSerializerOptions.Web) },
            transaction,
            cancellationToken: ct));

    /// <summary>
    /// Deletes up to <paramref name="batch"/> of the oldest rows written before <paramref name="cutoff"/>; the count
    /// deleted. The issue of a token that is still live stays however old: who issued a token in use is the question the
    /// audit is kept for.
    /// </summary>
    public static async Task<int> DeleteOlderThanAsync(NpgsqlDataSource dataSource, DateTimeOffset cutoff, int batch, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            DELETE FROM ingest.operator_audit
             WHERE audit_id IN (
                   SELECT a.audit_id FROM ingest.operator_audit a
                    WHERE a.at < @cutoff
                      AND NOT (a.action = @siteTokenIssue AND EXISTS (
                               SELECT 1 FROM ingest.site_tokens t WHERE t.token_id::text = a.detail->>'tokenId' AND t.revoked_at IS NULL))
                      AND NOT (a.action = @operatorTokenIssue AND EXISTS (
                               SELECT 1 FROM ingest.admin_tokens t WHERE t.token_id::text = a.target AND t.revoked_at IS NULL))
                    ORDER BY a.at
                    LIMIT @batch
                    FOR UPDATE SKIP LOCKED)
            """,
            new { cutoff, batch, siteTokenIssue = SiteTokenIssue, operatorTokenIssue = OperatorTokenIssue }, cancellationToken: ct));
    }
}
