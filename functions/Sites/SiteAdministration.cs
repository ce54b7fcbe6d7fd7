using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Sites;

/// <summary>
/// The operator's actions on sites, for the admin API and the commands alike: each one and its row in
/// <c>ingest.operator_audit</c> commit in one transaction (<see cref="OperatorAudit.AuditedAsync"/>).
/// </summary>
public sealed class SiteAdministration(NpgsqlDataSource database)
{
    /// <summary>Adds the site, or renames it when it exists. The caller has checked the IBGE code and the name.</summary>
    public Task AddAsync(string ibge, string name, string actor, CancellationToken ct) =>
        OperatorAudit.AuditedAsync(database, actor, async (connection, transaction) =>
        {
            await SiteTokens.AddSiteAsync(connection, transaction, ibge, name, ct);
            return (true, new AuditEntry(OperatorAudit.SiteAdd, ibge));
        }, ct);

    /// <summary>Every site and how many live tokens it has.</summary>
    public Task<IReadOnlyList<SiteSummary>> ListAsync(CancellationToken ct) => SiteTokens.ListSitesAsync(database, ct);
}
