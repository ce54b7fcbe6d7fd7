using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Loading;

/// <summary>
/// The SQL of one delivery's load with one list version. A whole snapshot of a (site, list) with no rows yet is loaded
/// by COPY straight into its table. Anything else is staged in the list's unlogged staging table, where the delta's rows
/// say which rows to insert ('i'), update ('u') or delete ('d'); only those rows are written, so unchanged rows cost no
/// lock and no WAL, and staging itself writes none (docs/adr/0025-unlogged-staging-tables.md). Only the
/// version's columns are read or written (the table may hold more, from other versions), and only its compared columns
/// decide "changed".
/// <list type="bullet">
/// <item>Keyed list, <see cref="DeliveryKinds.Snapshot"/>: one full join against the site's rows; a row changed when a
/// compared column IS DISTINCT FROM its stored value, and a stored row missing from the snapshot goes. An update writes
/// every column of the version, so <c>"compare": false</c> columns take the latest value whenever the row is written
/// for a real change (docs/design.md §5).</item>
/// <item><see cref="DeliveryKinds.Append"/>: rows whose key the site does not have yet are inserted, nothing else; a key
/// twice in one delivery (overlapping polls) counts once, its first row kept, as a key already stored keeps its row.</item>
/// <item><see cref="DeliveryKinds.Changes"/>: the delivered rows are upserted by key (updated only when a compared column
/// differs); a row whose soft-delete column is set deletes the stored row of its key instead.</item>
/// <item><see cref="DeliveryKinds.KeySet"/>: the delivery holds key columns only; the site's rows whose key is not among
/// them are deleted.</item>
/// <item>An incremental list with a soft-delete column never stores a row that has it set: a snapshot's such rows are
/// dropped from the stage, so their stored rows go as rows missing from the snapshot.</item>
/// <item>Keyless list (snapshots only): the site's rows are a multiset of whole rows. Each row is reduced to the md5 of
/// its compared columns' typed record text; per hash, the difference of counts between snapshot and table says how many
/// copies to insert or delete. Duplicates are kept and NULLs anywhere are fine.</item>
/// </list>
/// docs/adr/0002-merge-by-row-hash.md, docs/adr/0022-list-definitions-beyond-one-query.md.
/// </summary>
public sealed class MergeSql
{
    public MergeSql(ListDefinition list)
        : this(list, DeliveryKinds.Snapshot)
    {
    }

    private readonly ListDefinition _list;

    public MergeSql(ListDefinition list, string delivery)
    {
        _list = list;
        var q = ListPublisher.Quote;
        var columns = list.Columns.Select(c => q(c.Name)).ToList();
        var compared = list.Columns.Where(c => c.Compare).Select(c => q(c.Name)).ToList();
        var columnList = string.Join(", ", columns);
        Keyed = list.Key.Count > 0;
        if (!Keyed && delivery != DeliveryKinds.Snapshot)
        {
            throw new PermanentLoadException(SnapshotErrorCodes.SchemaMismatch, $"List '{list.Name}' has no key, so it takes whole snapshots only, not a {delivery} delivery.");
        }

        var softDelete = list.LoadMode == LoadModes.Incremental && list.Incremental?.SoftDeleteColumn is { } soft && list.Columns.Any(c => c.Name == soft) ? q(soft) : null;

        CopyIntoTable = delivery == DeliveryKinds.Snapshot && softDelete is null ? $"COPY {list.TableName} ({columnList}) FROM STDIN (FORMAT csv, HEADER)" : null;
        HasRows = $"SELECT EXISTS (SELECT 1 FROM {list.TableName} WHERE site_id = @site)";
        CountSite = $"SELECT count(*) FROM {list.TableName} WHERE site_id = @site";

        // The list's unlogged staging table holds every load's rows, each load's by its snapshot id: staged rows have no
        // ingest_op, the delta's rows have 'i', 'u' or 'd' (ADR 0025). A load deletes its rows before it commits; a
        // rolled-back load's rows were never visible to anyone.
        var staging = list.StagingTableName;
        var staged = $"(SELECT * FROM {staging} WHERE snapshot_id = @snapshotId AND ingest_op IS NULL)";
        var delta = $"(SELECT * FROM {staging} WHERE snapshot_id = @snapshotId AND ingest_op IS NOT NULL)";
        Stage = staging;
        CreateStage = null;
        CopyIntoStage = $"COPY {staging} ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        CountStage = $"SELECT count(*) FROM {staged} s";
        ClearStage = $"DELETE FROM {staging} WHERE snapshot_id = @snapshotId";

        if (Keyed)
        {
            var keys = list.Key.Select(q).ToList();
            var keyList = string.Join(", ", keys);
            var values = list.Columns.Where(c => !list.Key.Contains(c.Name)).Select(c => q(c.Name)).ToList();
            var comparedValues = compared.Where(c => !keys.Contains(c)).ToList();
            var keyJoin = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));
            var differs = comparedValues.Count == 0
                ? "false"
                : $"ROW({string.Join(", ", comparedValues.Select(v => "s." + v))}) IS DISTINCT FROM ROW({string.Join(", ", comparedValues.Select(v => "t." + v))})";
            var firstKey = keys[0];
            var stored = $"(SELECT {keyList}{string.Concat(comparedValues.Select(v => ", " + v))} FROM {list.TableName} WHERE site_id = @site) t";

            // Key columns NOT NULL: a row without its key is rejected by COPY itself.
            FindDuplicateKey = $"SELECT 1 FROM {staged} s GROUP BY {keyList} HAVING count(*) > 1 LIMIT 1";
            CountDelta = $"SELECT count(*) FILTER (WHERE ingest_op = 'i'), count(*) FILTER (WHERE ingest_op = 'u'), count(*) FILTER (WHERE ingest_op = 'd') FROM {delta} s";
            var setValues = values.Count == 0 ? "snapshot_id = @snapshotId" : $"({string.Join(", ", values)}, snapshot_id) = ({string.Join(", ", values.Select(v => "s." + v))}, @snapshotId)";
            var deltaRow = $"s.snapshot_id = @snapshotId AND s.ingest_op";
            Delete = $"DELETE FROM {list.TableName} AS t USING {staging} s WHERE {deltaRow} = 'd' AND t.site_id = @site AND {keyJoin}";
            Update = $"UPDATE {list.TableName} AS t SET {setValues} FROM {staging} s WHERE {deltaRow} = 'u' AND t.site_id = @site AND {keyJoin}";
            Insert = $"INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id) SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId FROM {staging} s WHERE {deltaRow} = 'i'";
            UpdatedBefore = RowsDigestSql.Over(list, $"(SELECT t.* FROM {list.TableName} t JOIN {staging} s ON {deltaRow} = 'u' AND {keyJoin} WHERE t.site_id = @site) r");

            // The delta's rows go into the staging table beside the staged ones (its site_id and snapshot_id are the
            // load's, by default). Neither is ANALYZEd: that writes pg_statistic rows, i.e. WAL, on every load. The
            // planner reads the load's rows through the staging table's snapshot_id index.
            var intoDelta = $"INSERT INTO {staging} (ingest_op, {keyList}{string.Concat(values.Select(v => ", " + v))})";

            // Every keyed kind but append merges without nested loops. With the staging table's statistics from
            // autovacuum (ADR 0025), often taken while it was empty, and a site the list table's statistics do not know,
            // the planner guesses one row a side and reads one side once per row of the other: the staged rows through
            // the snapshot_id index once per row of the site, or the site's rows through the primary key's site_id
            // prefix once per staged row. Quadratic: minutes for a site's 11,000-row citopatologico snapshot in Bench
            // nation (ADR 0028), and the same plans for changes and key-set deliveries (MergePlanTests). A whole
            // snapshot and a key set read every row of the site anyway; a changes delivery is usually small, and a hash
            // join costs it one pass over the site's rows per statement: linear, where a nested loop under these
            // statistics costs staged rows times site rows. Append is left as it was: its only join is an anti-join
            // from its temp stage (no statistics: the planner sizes it by its pages) to the site's rows, planned under
            // these statistics as a merge anti-join that reads the site's rows once through the primary key
            // (MergePlanTests checks a large and a small delivery). Off for the merge only: ClearStage turns it back
            // on before the load's bookkeeping.
            const string noNestLoop = "SET LOCAL enable_nestloop = off";
            var restoreNestLoop = $"SET LOCAL enable_nestloop TO DEFAULT; DELETE FROM {staging} WHERE snapshot_id = @snapshotId";
            switch (delivery)
            {
                case DeliveryKinds.Append:
                    // Row order decides which of two rows of a key is kept, and a shared table keeps no order: the
                    // delivery itself is staged in a temp table with a row number (appends are small, incremental).
                    var stageColumns = string.Join(", ", list.Columns.Select(c => $"{q(c.Name)} {c.Type}{(list.Key.Contains(c.Name) ? " NOT NULL" : string.Empty)}"));
                    Stage = "stage";
                    CreateStage = $"CREATE TEMP TABLE stage ({stageColumns}, ingest_row_n bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP";
                    CopyIntoStage = $"COPY stage ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
                    CountStage = "SELECT count(*) FROM stage";
                    FindDuplicateKey = null;
                    CreateDelta =
                    [
                        $"""
                        {intoDelta}
                        SELECT 'i', {string.Join(", ", keys.Select(k => "s." + k))}{string.Concat(values.Select(v => ", s." + v))}
                          FROM (SELECT DISTINCT ON ({keyList}) * FROM stage ORDER BY {keyList}, ingest_row_n) s
                         WHERE NOT EXISTS (SELECT 1 FROM {list.TableName} t WHERE t.site_id = @site AND {keyJoin})
                        """,
                    ];
                    Delete = null;
                    Update = null;
                    UpdatedBefore = null;
                    break;
                case DeliveryKinds.Changes:
                    var removed = softDelete is null ? "false" : $"s.{softDelete} IS NOT NULL";
                    ClearStage = restoreNestLoop;
                    CreateDelta =
                    [
                        noNestLoop,
                        $"""
                        {intoDelta}
                        SELECT CASE WHEN {removed} THEN 'd' WHEN t.{firstKey} IS NULL THEN 'i' ELSE 'u' END,
                               {string.Join(", ", keys.Select(k => "s." + k))}{string.Concat(values.Select(v => ", s." + v))}
                          FROM {staged} s
                          LEFT JOIN {stored} ON {keyJoin}
                         WHERE CASE WHEN {removed} THEN t.{firstKey} IS NOT NULL ELSE t.{firstKey} IS NULL OR {differs} END
                        """,
                    ];
                    break;
                case DeliveryKinds.KeySet:
                    CopyIntoStage = $"COPY {staging} ({keyList}) FROM STDIN (FORMAT csv, HEADER)";
                    FindDuplicateKey = null; // a key listed twice keeps its row all the same
                    ClearStage = restoreNestLoop;
                    CreateDelta =
                    [
                        noNestLoop,
                        $"""
                        INSERT INTO {staging} (ingest_op, {keyList})
                        SELECT 'd', {string.Join(", ", keys.Select(k => "t." + k))}
                          FROM {list.TableName} t
                         WHERE t.site_id = @site AND NOT EXISTS (SELECT 1 FROM {staged} s WHERE {keyJoin})
                        """,
                    ];
                    Update = null;
                    UpdatedBefore = null;
                    Insert = null;
                    break;
                default:
                    ClearStage = restoreNestLoop;
                    CreateDelta =
                    [
                        noNestLoop,
                        .. softDelete is null ? Array.Empty<string>() : [$"DELETE FROM {staging} WHERE snapshot_id = @snapshotId AND {softDelete} IS NOT NULL"],
                        $"""
                        {intoDelta}
                        SELECT CASE WHEN t.{firstKey} IS NULL THEN 'i' WHEN s.{firstKey} IS NULL THEN 'd' ELSE 'u' END,
                               {string.Join(", ", keys.Select(k => $"coalesce(s.{k}, t.{k})"))}{string.Concat(values.Select(v => $", s.{v}"))}
                          FROM {staged} s
                          FULL JOIN {stored} ON {keyJoin}
                         WHERE t.{firstKey} IS NULL OR s.{firstKey} IS NULL OR {differs}
                        """,
                    ];
                    break;
            }
        }
        else
        {
            string Hash(string alias) => $"md5(ROW({string.Join(", ", compared.Select(c => $"{alias}.{c}"))})::text)";
            FindDuplicateKey = null;
            // The site's current rows ('c': their ctid and hash) and the per-hash difference of counts ('h') are rows of
            // the staging table too, so a keyless load creates no temp table either.
            var current = $"(SELECT ingest_ctid, ingest_row_hash FROM {staging} WHERE snapshot_id = @snapshotId AND ingest_op = 'c')";
            var differences = $"(SELECT ingest_row_hash, ingest_count AS d FROM {staging} WHERE snapshot_id = @snapshotId AND ingest_op = 'h')";
            // The joins below (the site's rows to the differences by hash, the staged rows to them) are hash joins
            // whatever the staging table's statistics say. Those statistics come from autovacuum, often over an empty
            // table (ADR 0025: no ANALYZE per load), so the planner guesses one row a side and picks a nested loop that
            // re-reads the load's rows through the snapshot_id index once per row: quadratic, minutes for a site's
            // 140,000-row vacinacao (Bench nation, ADR 0028). Off for this transaction's merge only: ClearStage turns it
            // back on, and the load's other statements read single tables by key.
            CreateDelta =
            [
                "SET LOCAL enable_nestloop = off",
                $"INSERT INTO {staging} (ingest_op, ingest_ctid, ingest_row_hash) SELECT 'c', t.ctid, {Hash("t")} FROM {list.TableName} t WHERE t.site_id = @site",
                $"""
                INSERT INTO {staging} (ingest_op, ingest_row_hash, ingest_count)
                SELECT 'h', coalesce(s.ingest_row_hash, c.ingest_row_hash), coalesce(s.n, 0) - coalesce(c.n, 0)
                  FROM (SELECT {Hash("st")} AS ingest_row_hash, count(*) AS n FROM {staged} st GROUP BY 1) s
                  FULL JOIN (SELECT ingest_row_hash, count(*) AS n FROM {current} cr GROUP BY 1) c ON c.ingest_row_hash = s.ingest_row_hash
                 WHERE coalesce(s.n, 0) <> coalesce(c.n, 0)
                """,
            ];
            CountDelta = $"SELECT coalesce(sum(d) FILTER (WHERE d > 0), 0)::bigint, 0::bigint, coalesce(-sum(d) FILTER (WHERE d < 0), 0)::bigint FROM {differences} dd";
            ClearStage = $"SET LOCAL enable_nestloop TO DEFAULT; DELETE FROM {staging} WHERE snapshot_id = @snapshotId";

            // Which copies of a duplicated row go or come does not matter: they are equal in every compared column.
            // The rows to delete are found first (a hash join, see above) and reached by ctid = ANY(array): a TID scan,
            // not a join to the list's table, which without nested loops would be a scan of every site's rows.
            Delete = $"""
                DELETE FROM {list.TableName} AS t
                 WHERE t.ctid = ANY (ARRAY(
                       SELECT z.ingest_ctid
                         FROM (SELECT c.ingest_ctid, row_number() OVER (PARTITION BY c.ingest_row_hash) AS ingest_row_n, d.d
                                 FROM {current} c JOIN {differences} d ON d.ingest_row_hash = c.ingest_row_hash AND d.d < 0) z
                        WHERE z.ingest_row_n <= -z.d))
                   AND t.site_id = @site
                """;
            Update = null;
            UpdatedBefore = null;
            Insert = $"""
                INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id)
                SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId
                  FROM (SELECT h.*, row_number() OVER (PARTITION BY h.ingest_row_hash) AS ingest_row_n
                          FROM (SELECT {string.Join(", ", columns.Select(c => "st." + c))}, {Hash("st")} AS ingest_row_hash FROM {staged} st) h) s
                  JOIN {differences} d ON d.ingest_row_hash = s.ingest_row_hash AND d.d > 0
                 WHERE s.ingest_row_n <= d.d
                """;
        }
    }

    /// <summary>
    /// With the list's held digest kept (docs/adr/0024-unchanged-deliveries.md): each writing statement run with RETURNING
    /// inside a CTE, read as the <see cref="RowsDigestSql"/> terms of exactly the rows it deleted, wrote (an update's new
    /// values) or inserted; the row count is the statement's. Null where the statement is.
    /// </summary>
    public string? DeleteDigest => Delete is { } d ? $"WITH ingest_rows AS ({d} RETURNING t.*) {RowsDigestSql.Over(_list, "ingest_rows")}" : null;

    /// <inheritdoc cref="DeleteDigest"/>
    public string? UpdateDigest => Update is { } u ? $"WITH ingest_rows AS ({u} RETURNING t.*) {RowsDigestSql.Over(_list, "ingest_rows")}" : null;

    /// <inheritdoc cref="DeleteDigest"/>
    public string? InsertDigest => Insert is { } i ? $"WITH ingest_rows AS ({i} RETURNING *) {RowsDigestSql.Over(_list, "ingest_rows")}" : null;

    /// <summary>The digest terms of the stored rows the delta updates, as they are before the update; read before writing. Null where nothing is updated.</summary>
    public string? UpdatedBefore { get; }

    /// <summary>False for a keyless list (rows compared whole).</summary>
    public bool Keyed { get; }

    /// <summary>COPY straight into the list's table: only for a whole snapshot whose rows are all kept as they come (null otherwise).</summary>
    public string? CopyIntoTable { get; }

    public string HasRows { get; }

    public string CountSite { get; }

    /// <summary>The table a delivery is COPYed into: the list's staging table, or for an append delivery a temp table.</summary>
    public string Stage { get; }

    /// <summary>Null unless the stage is a temp table of this load (append).</summary>
    public string? CreateStage { get; }

    public string CopyIntoStage { get; }

    /// <summary>Deletes this load's rows from the staging table, before its transaction commits.</summary>
    public string ClearStage { get; }

    /// <summary>Finds one key appearing twice in the delivery; null where duplicates are data (keyless) or harmless (append, key set).</summary>
    public string? FindDuplicateKey { get; }

    public string CountStage { get; }

    /// <summary>Statements, in order, that add the delta (what differs) to the staging table.</summary>
    public IReadOnlyList<string> CreateDelta { get; }

    /// <summary>One row: how many rows applying the delta inserts, updates and deletes (read before writing, for the guard).</summary>
    public string CountDelta { get; }

    /// <summary>Null for an append delivery: it never deletes.</summary>
    public string? Delete { get; }

    /// <summary>Null for a keyless list (a changed row is one row deleted and one inserted), an append delivery and a key set.</summary>
    public string? Update { get; }

    /// <summary>Null for a key set: it never inserts.</summary>
    public string? Insert { get; }
}
