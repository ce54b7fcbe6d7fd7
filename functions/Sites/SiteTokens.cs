using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace PecLists.Functions.Sites;

/// <summary>
/// Per-site bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A token acts only for its site.
/// Operator tokens are made and checked the same way, under their own prefix.
/// </summary>
public static class SiteTokens
{
    private const string Prefix = "pec_";
    private const string AdminPrefix = "adm_";
    private const int MaxTokenLength = 200;

    /// <summary>Which table a token can be in, by its prefix; None for anything that cannot be a token (no lookup).</summary>
    public static TokenKind KindOf(string token) =>
        token.Length > MaxTokenLength ? TokenKind.None
        : token.StartsWith(Prefix, StringComparison.Ordinal) ? TokenKind.Site
        : token.StartsWith(AdminPrefix, StringComparison.Ordinal) ? TokenKind.Admin
        : TokenKind.None;

    public static byte[] Hash(string token) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token));

    public static string NewToken() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Adds (or renames) a site, unaudited (tests, tools); an operator adds one through <see cref="SiteAdministration"/>.</summary>
    public static async Task AddSiteAsync(NpgsqlDataSource dataSource, string siteId, string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await AddSiteAsync(connection, null, siteId, name, ct);
    }

    public static Task AddSiteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string siteId, string name, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest.sites (site_id, name) VALUES (@siteId, @name) ON CONFLICT (site_id) DO UPDATE SET name = EXCLUDED.name",
            new { siteId, name }, transaction, cancellationToken: ct));

    public static async Task<IReadOnlyList<SiteSummary>> ListSitesAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<SiteSummary>(new CommandDefinition(
            """
            SELECT s.site_id AS Ibge, s.name AS Name, s.created_at AS CreatedAt,
                   (SELECT count(*) FROM ingest.site_tokens t WHERE t.site_id = s.site_id AND t.revoked_at IS NULL) AS ActiveTokens
              FROM ingest.sites s ORDER BY s.site_id
            """, cancellationToken: ct))).ToList();
    }

    /// <summary>Issues a token for a site, unaudited (tests, tools); the clear token is returned once and never stored.</summary>
    public static async Task<(Guid TokenId, string Token)> IssueAsync(NpgsqlDataSource dataSource, string siteId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await IssueAsync(connection, null, siteId, ct);
    }

    /// <summary>Issues a token for a site that exists (else <see cref="InvalidOperationException"/>).</summary>
    public static async Task<(Guid TokenId, string Token)> IssueAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string siteId, CancellationToken ct)
    {
        var token = NewToken();
        var tokenId = Guid.CreateVersion7();
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM ingest.sites WHERE site_id = @siteId)", new { siteId }, transaction, cancellationToken: ct));
        if (!exists)
        {
            throw new InvalidOperationException($"Site {siteId} does not exist; add it first with 'sites add'.");
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest.site_tokens (token_id, site_id, token_hash) VALUES (@tokenId, @siteId, @hash)",
            new { tokenId, siteId, hash = Hash(token) }, transaction, cancellationToken: ct));
        return (tokenId, token);
    }

    /// <summary>Revokes a site token, unaudited (tests, tools); an operator revokes one through <see cref="TokenAdministration"/>.</summary>
    public static async Task<bool> RevokeAsync(NpgsqlDataSource dataSource, Guid tokenId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await RevokeAsync(connection, null, tokenId, ct);
    }

    public static async Task<bool> RevokeAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid tokenId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest.site_tokens SET revoked_at = now() WHERE token_id = @tokenId AND revoked_at IS NULL",
            new { tokenId }, transaction, cancellationToken: ct)) == 1;

    /// <summary>Issues an operator token (prefix "adm_"), valid only for admin operations; unaudited (tests, tools).</summary>
    public static async Task<(Guid TokenId, string Token)> IssueAdminAsync(NpgsqlDataSource dataSource, string name, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await IssueAdminAsync(connection, null, name, ct);
    }

    public static async Task<(Guid TokenId, string Token)> IssueAdminAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string name, CancellationToken ct)
    {
        var token = AdminPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var tokenId = Guid.CreateVersion7();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest.admin_tokens (token_id, name, token_hash) VALUES (@tokenId, @name, @hash)",
            new { tokenId, name, hash = Hash(token) }, transaction, cancellationToken: ct));
        return (tokenId, token);
    }

    /// <summary>Every operator token (id, name, created, revoked), never the token nor its hash.</summary>
    public static async Task<IReadOnlyList<OperatorTokenSummary>> ListAdminAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OperatorTokenSummary>(new CommandDefinition(
            "SELECT token_id AS TokenId, name AS Name, created_at AS CreatedAt, revoked_at AS RevokedAt FROM ingest.admin_tokens ORDER BY created_at, token_id",
            cancellationToken: ct))).ToList();
    }

    /// <summary>Revokes an operator token at once (authentication reads revoked_at on every request; a live operator token is never cached).</summary>
    public static async Task<bool> RevokeAdminAsync(NpgsqlDataSource dataSource, Guid tokenId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await RevokeAdminAsync(connection, null, tokenId, ct);
    }

    public static async Task<bool> RevokeAdminAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid tokenId, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest.admin_tokens SET revoked_at = now() WHERE token_id = @tokenId AND revoked_at IS NULL",
            new { tokenId }, transaction, cancellationToken: ct)) == 1;

    /// <summary>The operator name of a live admin token, or null.</summary>
    public static Task<string?> FindAdminAsync(NpgsqlDataSource dataSource, string token, CancellationToken ct) =>
        FindOwnerAsync(dataSource, token, AdminPrefix, "SELECT name, token_hash FROM ingest.admin_tokens WHERE token_hash = @hash AND revoked_at IS NULL", ct);

    /// <summary>The site a live token belongs to, or null.</summary>
    public static async Task<string?> FindSiteAsync(NpgsqlDataSource dataSource, string token, CancellationToken ct) =>
        (await FindSiteTokenAsync(dataSource, token, ct)) is { Revoked: false } live ? live.Site : null;

    /// <summary>
    /// The site a token was issued for and whether it is revoked, in one lookup; null for a token that never existed.
    /// </summary>
    public static async Task<(string Site, bool Revoked)?> FindSiteTokenAsync(NpgsqlDataSource dataSource, string token, CancellationToken ct)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var hash = Hash(token);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<(string Site, byte[] TokenHash, bool Revoked)?>(new CommandDefinition(
            "SELECT site_id, token_hash, revoked_at IS NOT NULL FROM ingest.site_tokens WHERE token_hash = @hash ORDER BY revoked_at NULLS FIRST LIMIT 1",
            new { hash }, cancellationToken: ct));
        return row is { } found && CryptographicOperations.FixedTimeEquals(found.TokenHash, hash) ? (found.Site, found.Revoked) : null;
    }

    /// <summary>
    /// Records that a revoked token of the site was refused (token_refused_at). A site whose token was revoked can no
    /// longer report itself; this is how the fleet view still says "token" for it.
    /// </summary>
    public static async Task RecordRevokedRefusalAsync(NpgsqlDataSource dataSource, string site, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE ingest.sites SET token_refused_at = now() WHERE site_id = @site", new { site }, cancellationToken: ct));
    }

    /// <summary>Looks a token up by its hash, then compares in constant time; the prefix keeps the two kinds apart.</summary>
    private static async Task<string?> FindOwnerAsync(NpgsqlDataSource dataSource, string token, string prefix, string sql, CancellationToken ct)
    {
        if (!token.StartsWith(prefix, StringComparison.Ordinal) || token.Length > MaxTokenLength)
        {
            return null;
        }

        var hash = Hash(token);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QueryFirstOrDefaultAsync<(string Owner, byte[] TokenHash)?>(new CommandDefinition(sql, new { hash }, cancellationToken: ct));
        return row is { } found && CryptographicOperations.FixedTimeEquals(found.TokenHash, hash) ? found.Owner : null;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
