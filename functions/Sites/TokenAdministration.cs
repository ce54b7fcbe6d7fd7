using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Sites;

/// <summary>
/// The operator's actions on credentials, site tokens and operator tokens, for the admin API and the commands alike:
/// each one and its row in <c>ingest.operator_audit</c> commit in one transaction (<see cref="OperatorAudit.AuditedAsync"/>).
/// A clear token is returned once and never stored, nor audited.
/// </summary>
public sealed class TokenAdministration(NpgsqlDataSource database, TokenLookupCache lookups)
{
    /// <summary>A new token for the site; <see cref="InvalidOperationException"/> when the site does not exist.</summary>
    public Task<(Guid TokenId, string Token)> IssueSiteTokenAsync(string site, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            var issued = await SiteTokens.IssueAsync(connection, transaction, site, ct);
            return (issued, new AuditEntry(OperatorAudit.SiteTokenIssue, site, new Dictionary<string, object?> { ["tokenId"] = issued.TokenId }));
        }, ct);

    /// <summary>
    /// Revokes a live site token; false when there is none with that id (nothing audited). This instance refuses it
    /// from its next request; other instances forget it within Ingest:TokenCacheSeconds.
    /// </summary>
    public async Task<bool> RevokeSiteTokenAsync(Guid tokenId, string actor, CancellationToken ct)
    {
        var revoked = await OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
            await SiteTokens.RevokeAsync(connection, transaction, tokenId, ct)
                ? (true, new AuditEntry(OperatorAudit.SiteTokenRevoke, tokenId.ToString("D")))
                : (false, (AuditEntry?)null), ct);
        if (revoked)
        {
            lookups.Clear();
        }

        return revoked;
    }

    /// <summary>A new operator token for <paramref name="name"/> (an operator or an automation).</summary>
    public Task<(Guid TokenId, string Token)> IssueOperatorTokenAsync(string name, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            var issued = await SiteTokens.IssueAdminAsync(connection, transaction, name, ct);
            return (issued, new AuditEntry(OperatorAudit.OperatorTokenIssue, issued.TokenId.ToString("D"), new Dictionary<string, object?> { ["name"] = name }));
        }, ct);

    /// <summary>Revokes a live operator token at once; false when there is none with that id (nothing audited).</summary>
    public Task<bool> RevokeOperatorTokenAsync(Guid tokenId, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
            await SiteTokens.RevokeAdminAsync(connection, transaction, tokenId, ct)
                ? (true, new AuditEntry(OperatorAudit.OperatorTokenRevoke, tokenId.ToString("D")))
                : (false, (AuditEntry?)null), ct);

    /// <summary>Every operator token (id, name, created, revoked), never the token nor its hash.</summary>
    public Task<IReadOnlyList<OperatorTokenSummary>> ListOperatorTokensAsync(CancellationToken ct) => SiteTokens.ListAdminAsync(database, ct);
}
