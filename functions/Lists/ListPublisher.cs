using System.Text;
using System.Text.Json;
using Dapper;
using Npgsql;
using PecLists.Functions.Data;

namespace PecLists.Functions.Lists;

/// <summary>
/// Adds a version of a list definition, optionally activates it, and keeps the list's typed table in step
/// (created on first publish; new columns added; nothing is ever dropped automatically). One table serves every
/// version of a list, so a version is immutable once published, and its key and the types of columns it shares with
/// earlier versions are fixed: a change there is refused at publish (docs/design.md §5), never a silent mismatch.
/// </summary>
public static class ListPublisher
{
    /// <summary>The actor recorded when a caller names none.</summary>
    public const string Unattributed = "unattributed";

    /// <summary>Publishes with no operator to name (tests, benchmarks); the audit says "unattributed".</summary>
    public static Task PublishAsync(NpgsqlDataSource dataSource, ListDefinition definition, bool activate, CancellationToken ct) =>
        PublishAsync(dataSource, definition, activate, Unattributed, ct);

    /// <summary>
    /// Stores the version with its signature as given (checking it is the caller's job: <see cref="ListSignatureCheck"/>),
    /// records who published it (and activated it) in the row and in the operator audit, in one transaction.
    /// </summary>
    public static async Task PublishAsync(NpgsqlDataSource dataSource, ListDefinition definition, bool activate, string actor, CancellationToken ct)
    {
        var errors = ListDefinitionRules.Check(definition);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"List definition '{definition.Name}' is invalid: {ListRefusal.Join(errors)}");
        }

        definition = ListDefinitionRules.Normalize(definition);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);

        // Publishes of one list take turns, so two versions cannot both pass the checks against each other's absence.
        await LockListAsync(connection, transaction, definition.Name, ct);
        var stored = await ListCatalog.ReadVersionsAsync(connection, transaction, definition.Name, ct);
        var active = await ListCatalog.ReadActiveAsync(connection, transaction, definition.Name, ct);
        var conflicts = new List<ListRefusal>(ListEvolution.Check(stored, definition));
        conflicts.AddRange(await DerivedViews.CollisionsAsync(connection, transaction, definition, active, ct));
        if (stored.Count == 0 && await DerivedViews.ListNameTakenAsync(connection, transaction, definition, ct) is { } taken)
        {
            conflicts.Add(taken);
        }

        if (conflicts.Count > 0)
        {
            throw new ListPublishRefusedException(
                $"List definition '{definition.Name}' v{definition.Version} cannot be published: {ListRefusal.Join(conflicts)}.", ListPublishVerdict.Conflict, conflicts);
        }

        // A version already stored with the same content is a repeat: only its description may change.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingest.list_definitions (name, version, description, sql, columns, key_columns, signature, signed_at, signature_v2, published_by,
                                                 mode, source, incremental, schedule, views, signature_v3)
            VALUES (@Name, @Version, @Description, @Sql, @Columns::jsonb, @Key, @Signature, @SignedAt, @SignatureV2, @actor,
                    @LoadMode, @Source::jsonb, @Incremental::jsonb, @Schedule::jsonb, @Views::jsonb, @SignatureV3)
            ON CONFLICT (name, version) DO UPDATE
               SET description = EXCLUDED.description, signature = COALESCE(EXCLUDED.signature, ingest.list_definitions.signature),
                   -- A re-sign of the same content is newer: it replaces the dated signature; an older one never does.
                   signed_at = CASE WHEN EXCLUDED.signed_at > ingest.list_definitions.signed_at OR ingest.list_definitions.signed_at IS NULL
                                    THEN COALESCE(EXCLUDED.signed_at, ingest.list_definitions.signed_at) ELSE ingest.list_definitions.signed_at END,
                   signature_v2 = CASE WHEN EXCLUDED.signed_at > ingest.list_definitions.signed_at OR ingest.list_definitions.signed_at IS NULL
                                       THEN COALESCE(EXCLUDED.signature_v2, ingest.list_definitions.signature_v2) ELSE ingest.list_definitions.signature_v2 END,
                   signature_v3 = CASE WHEN EXCLUDED.signed_at > ingest.list_definitions.signed_at OR ingest.list_definitions.signed_at IS NULL
                                       THEN COALESCE(EXCLUDED.signature_v3, ingest.list_definitions.signature_v3) ELSE ingest.list_definitions.signature_v3 END
            """,
            new
            {
                definition.Name,
                definition.Version,
                definition.Description,
                definition.Sql,
                Columns = JsonSerializer.Serialize(definition.Columns, JsonSerializerOptions.Web),
                Key = definition.Key.ToArray(),
                definition.Signature,
                definition.SignedAt,
                definition.SignatureV2,
                actor,
                definition.LoadMode,
                Source = DefinitionParts.Json(definition.Source),
                Incremental = DefinitionParts.Json(definition.Incremental),
                Schedule = DefinitionParts.Json(definition.Schedule),
                Views = DefinitionParts.Json(definition.Views),
                definition.SignatureV3,
            },
            transaction,
            cancellationToken: ct));
        await OperatorAudit.RecordAsync(connection, transaction, actor, OperatorAudit.ListPublish, $"{definition.Name} v{definition.Version}",
            new Dictionary<string, object?>
            {
                ["signed"] = definition.Signature is not null || definition.SignatureV2 is not null || definition.SignatureV3 is not null,
                ["signedAt"] = definition.SignedAt,
                ["signatureV3"] = definition.SignatureV3 is not null,
                ["activate"] = activate,
            },
            ct);

        // The table gets the version's columns now, so a snapshot matching it loads even before it is activated.
        await EnsureTableAsync(connection, transaction, definition, ct);
        if (activate)
        {
            await ActivateAsync(connection, transaction, definition, actor, ct);
        }
        else
        {
            await DerivedViews.CheckAsync(connection, transaction, definition, active, ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Makes a stored version the active one (history is kept). False when there is no such version.</summary>
    public static Task<bool> ActivateAsync(NpgsqlDataSource dataSource, string name, int version, CancellationToken ct) =>
        ActivateAsync(dataSource, name, version, Unattributed, ct);

    /// <summary>
    /// As <see cref="ActivateAsync(NpgsqlDataSource, string, int, CancellationToken)"/>, recording who did it. Throws
    /// <see cref="ListPublishRefusedException"/> when the version's views cannot replace the active version's (a name
    /// taken since it was published, a view that no longer compiles); nothing changes then.
    /// </summary>
    public static async Task<bool> ActivateAsync(NpgsqlDataSource dataSource, string name, int version, string actor, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await LockListAsync(connection, transaction, name, ct);
        var definition = await ListCatalog.ReadVersionForUpdateAsync(connection, transaction, name, version, ct);
        if (definition is null)
        {
            return false;
        }

        var collisions = await DerivedViews.CollisionsAsync(connection, transaction, definition, await ListCatalog.ReadActiveAsync(connection, transaction, name, ct), ct);
        if (collisions.Count > 0)
        {
            throw new ListPublishRefusedException(
                $"List definition '{name}' v{version} cannot be activated: {ListRefusal.Join(collisions)}.", ListPublishVerdict.Conflict, collisions);
        }

        await ActivateAsync(connection, transaction, definition, actor, ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    public static async Task<IReadOnlyList<ListVersion>> HistoryAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<ListVersion>(new CommandDefinition(
            "SELECT name AS Name, version AS Version, is_active AS Active, created_at AS CreatedAt, activated_at AS ActivatedAt FROM ingest.list_definitions ORDER BY name, version",
            cancellationToken: ct))).ToList();
    }

    private static Task LockListAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string name, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "SELECT pg_advisory_xact_lock(hashtext('ingest.list_definitions:' || @name))", new { name }, transaction, cancellationToken: ct));

    /// <summary>Flips the active version, audits it, widens the table, then replaces the previous active version's views by this one's.</summary>
    private static async Task ActivateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition definition, string actor, CancellationToken ct)
    {
        var previous = await ListCatalog.ReadActiveAsync(connection, transaction, definition.Name, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest.list_definitions SET is_active = false WHERE name = @Name AND is_active AND version <> @Version",
            new { definition.Name, definition.Version }, transaction, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingest.list_definitions SET is_active = true, activated_at = now(), activated_by = @actor WHERE name = @Name AND version = @Version AND NOT is_active",
            new { definition.Name, definition.Version, actor }, transaction, cancellationToken: ct));
        await OperatorAudit.RecordAsync(connection, transaction, actor, OperatorAudit.ListActivate, $"{definition.Name} v{definition.Version}", null, ct);
        await EnsureTableAsync(connection, transaction, definition, ct);
        await DerivedViews.ReplaceAsync(connection, transaction, definition, previous, actor, ct);
    }

    private static async Task EnsureTableAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ListDefinition definition, CancellationToken ct)
    {
        await connection.ExecuteAsync(new CommandDefinition(CreateTableSql(definition), transaction: transaction, cancellationToken: ct));
        if (definition.Key.Count == 0)
        {
            // Keyless: no primary key; loads find a site's rows through this index.
            await connection.ExecuteAsync(new CommandDefinition(
                $"CREATE INDEX IF NOT EXISTS {Quote(definition.Name + "_site")} ON {definition.TableName} (site_id)", transaction: transaction, cancellationToken: ct));
        }

        foreach (var column in definition.Columns)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                $"ALTER TABLE {definition.TableName} ADD COLUMN IF NOT EXISTS {Quote(column.Name)} {column.Type}",
                transaction: transaction, cancellationToken: ct));
        }

        foreach (var statement in StagingTableSql(definition))
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: ct));
        }
    }

    /// <summary>
    /// The list's staging table (ADR 0025), kept the shape of the list's table: UNLOGGED, so staging a delivery and its
    /// delta writes no WAL, and permanent, so a load creates no catalog rows (a temp table per load wrote about 60 kB of
    /// catalog WAL). Rows are a load's by snapshot_id (defaulted like the list's); ingest_op is null for a staged row and
    /// 'i', 'u' or 'd' for a row of the delta (a keyless list: 'c' for the site's current rows by ctid and hash, 'h' for
    /// a per-hash count difference). Key columns are NOT NULL as in the list's table (LIKE copies that). Its
    /// rows are deleted by the load that staged them, so autovacuum is told to come early (it writes no heap WAL on an
    /// unlogged table). Migration 0016 creates the same for lists published before it.
    /// </summary>
    public static IReadOnlyList<string> StagingTableSql(ListDefinition definition) =>
    [
        $"CREATE UNLOGGED TABLE IF NOT EXISTS {definition.StagingTableName} (LIKE {definition.TableName} INCLUDING DEFAULTS, ingest_op text, ingest_row_hash text, ingest_count bigint, ingest_ctid tid) " +
        "WITH (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 10000, autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 10000)",
        $"CREATE INDEX IF NOT EXISTS {Quote(definition.Name + "_load")} ON {definition.StagingTableName} (snapshot_id)",
        .. definition.Columns.Select(column => $"ALTER TABLE {definition.StagingTableName} ADD COLUMN IF NOT EXISTS {Quote(column.Name)} {column.Type}"),
    ];

    /// <summary>
    /// The typed table: (site, key) primary key (none for a keyless list), the list's columns, and the id of the snapshot
    /// that last wrote the row (lineage). site_id and snapshot_id default to the loading transaction's settings, so a
    /// first load can COPY straight into the table.
    /// </summary>
    public static string CreateTableSql(ListDefinition definition)
    {
        var sql = new StringBuilder();
        sql.Append("CREATE TABLE IF NOT EXISTS ").Append(definition.TableName)
            .Append(" (\n    site_id text NOT NULL DEFAULT current_setting('ingest.site_id')");
        foreach (var column in definition.Columns)
        {
            sql.Append(",\n    ").Append(Quote(column.Name)).Append(' ').Append(column.Type);
        }

        sql.Append(",\n    snapshot_id uuid NOT NULL DEFAULT current_setting('ingest.snapshot_id')::uuid");
        if (definition.Key.Count > 0)
        {
            sql.Append(",\n    PRIMARY KEY (site_id, ").Append(string.Join(", ", definition.Key.Select(Quote))).Append(')');
        }

        sql.Append("\n)");

        // A keyed list's changed rows are updated in place: with room left on each page (COPY honours fillfactor) an
        // update stays on its page (HOT), so it writes no index entry, no second page, and PostgreSQL logs only the
        // changed middle of the row (issue 25, docs/benchmarks.md). A keyless list never updates (delete + insert).
        return definition.Key.Count > 0 ? sql.Append(" WITH (fillfactor = ").Append(KeyedFillFactor).Append(')').ToString() : sql.ToString();
    }

    public static string Quote(string identifier) => $"\"{identifier}\"";

    /// <summary>The fillfactor of a keyed list's table (migration 0016 sets the same on tables made before it).</summary>
    public const int KeyedFillFactor = 90;
}
