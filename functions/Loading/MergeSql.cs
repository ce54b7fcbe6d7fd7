using PecLists.Contracts;
using PecLists.Functions.Lists;

namespace PecLists.Functions.Loading;

/// <summary>
/// The SQL of one delivery's load with one list version. A whole snapshot of a (site, list) with no rows yet is loaded
/// by COPY straight into its table. Anything else is staged, and the temp table "delta" says which rows to insert
/// ('i'), update ('u') or delete ('d'); only those rows are written, so unchanged rows cost no lock and no WAL. Only the
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

    public MergeSql(ListDefinition list, string delivery)
    {
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
        CopyIntoStage = $"COPY stage ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        CountStage = "SELECT count(*) FROM stage";

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
            var stageColumns = string.Join(", ", list.Columns.Select(c => $"{q(c.Name)} {c.Type}{(list.Key.Contains(c.Name) ? " NOT NULL" : string.Empty)}"));
            CreateStage = $"CREATE TEMP TABLE stage ({stageColumns}) ON COMMIT DROP";
            FindDuplicateKey = $"SELECT 1 FROM stage GROUP BY {keyList} HAVING count(*) > 1 LIMIT 1";
            CountDelta = "SELECT count(*) FILTER (WHERE op = 'i'), count(*) FILTER (WHERE op = 'u'), count(*) FILTER (WHERE op = 'd') FROM delta";
            var setValues = values.Count == 0 ? "snapshot_id = @snapshotId" : $"({string.Join(", ", values)}, snapshot_id) = ({string.Join(", ", values.Select(v => "s." + v))}, @snapshotId)";
            Delete = $"DELETE FROM {list.TableName} AS t USING delta s WHERE s.op = 'd' AND t.site_id = @site AND {keyJoin}";
            Update = $"UPDATE {list.TableName} AS t SET {setValues} FROM delta s WHERE s.op = 'u' AND t.site_id = @site AND {keyJoin}";
            Insert = $"INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id) SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId FROM delta s WHERE s.op = 'i'";

            // The small deliveries are read against the site's rows by key: the planner is told their size, so it
            // probes the primary key rather than reading every stored row of the site.
            switch (delivery)
            {
                case DeliveryKinds.Append:
                    CreateStage = $"CREATE TEMP TABLE stage ({stageColumns}, ingest_row_n bigint GENERATED ALWAYS AS IDENTITY) ON COMMIT DROP";
                    FindDuplicateKey = null;
                    CreateDelta =
                    [
                        "ANALYZE stage",
                        $"""
                        CREATE TEMP TABLE delta ON COMMIT DROP AS
                        SELECT 'i'::text AS op, {string.Join(", ", columns.Select(c => "s." + c))}
                          FROM (SELECT DISTINCT ON ({keyList}) * FROM stage ORDER BY {keyList}, ingest_row_n) s
                         WHERE NOT EXISTS (SELECT 1 FROM {list.TableName} t WHERE t.site_id = @site AND {keyJoin})
                        """,
                        "ANALYZE delta",
                    ];
                    Delete = null;
                    Update = null;
                    break;
                case DeliveryKinds.Changes:
                    var removed = softDelete is null ? "false" : $"s.{softDelete} IS NOT NULL";
                    CreateDelta =
                    [
                        "ANALYZE stage",
                        $"""
                        CREATE TEMP TABLE delta ON COMMIT DROP AS
                        SELECT CASE WHEN {removed} THEN 'd' WHEN t.{firstKey} IS NULL THEN 'i' ELSE 'u' END AS op,
                               {string.Join(", ", keys.Select(k => "s." + k))}{string.Concat(values.Select(v => ", s." + v))}
                          FROM stage s
                          LEFT JOIN {stored} ON {keyJoin}
                         WHERE CASE WHEN {removed} THEN t.{firstKey} IS NOT NULL ELSE t.{firstKey} IS NULL OR {differs} END
                        """,
                        "ANALYZE delta",
                    ];
                    break;
                case DeliveryKinds.KeySet:
                    CreateStage = $"CREATE TEMP TABLE stage ({string.Join(", ", list.Key.Select(k => $"{q(k)} {list.Columns.Single(c => c.Name == k).Type} NOT NULL"))}) ON COMMIT DROP";
                    CopyIntoStage = $"COPY stage ({keyList}) FROM STDIN (FORMAT csv, HEADER)";
                    FindDuplicateKey = null; // a key listed twice keeps its row all the same
                    CreateDelta =
                    [
                        "ANALYZE stage",
                        $"""
                        CREATE TEMP TABLE delta ON COMMIT DROP AS
                        SELECT 'd'::text AS op, {string.Join(", ", keys.Select(k => "t." + k))}
                          FROM {list.TableName} t
                         WHERE t.site_id = @site AND NOT EXISTS (SELECT 1 FROM stage s WHERE {keyJoin})
                        """,
                        "ANALYZE delta",
                    ];
                    Update = null;
                    Insert = null;
                    break;
                default:
                    CreateDelta =
                    [
                        .. softDelete is null ? Array.Empty<string>() : [$"DELETE FROM stage WHERE {softDelete} IS NOT NULL"],
                        $"""
                        CREATE TEMP TABLE delta ON COMMIT DROP AS
                        SELECT CASE WHEN t.{firstKey} IS NULL THEN 'i' WHEN s.{firstKey} IS NULL THEN 'd' ELSE 'u' END AS op,
                               {string.Join(", ", keys.Select(k => $"coalesce(s.{k}, t.{k}) AS {k}"))}{string.Concat(values.Select(v => $", s.{v}"))}
                          FROM stage s
                          FULL JOIN {stored} ON {keyJoin}
                         WHERE t.{firstKey} IS NULL OR s.{firstKey} IS NULL OR {differs}
                        """,
                        "ANALYZE delta",
                    ];
                    break;
            }
        }
        else
        {
            string Hash(string alias) => $"md5(ROW({string.Join(", ", compared.Select(c => $"{alias}.{c}"))})::text)";
            CreateStage = $"CREATE TEMP TABLE stage ({string.Join(", ", list.Columns.Select(c => $"{q(c.Name)} {c.Type}"))}) ON COMMIT DROP";
            FindDuplicateKey = null;
            CreateDelta =
            [
                $"CREATE TEMP TABLE current_rows ON COMMIT DROP AS SELECT t.ctid AS row_ctid, {Hash("t")} AS ingest_row_hash FROM {list.TableName} t WHERE t.site_id = @site",
                $"""
                CREATE TEMP TABLE delta ON COMMIT DROP AS
                SELECT coalesce(s.ingest_row_hash, c.ingest_row_hash) AS ingest_row_hash, coalesce(s.n, 0) - coalesce(c.n, 0) AS d
                  FROM (SELECT {Hash("st")} AS ingest_row_hash, count(*) AS n FROM stage st GROUP BY 1) s
                  FULL JOIN (SELECT ingest_row_hash, count(*) AS n FROM current_rows GROUP BY 1) c ON c.ingest_row_hash = s.ingest_row_hash
                 WHERE coalesce(s.n, 0) <> coalesce(c.n, 0)
                """,
                "ANALYZE delta",
            ];
            CountDelta = "SELECT coalesce(sum(d) FILTER (WHERE d > 0), 0)::bigint, 0::bigint, coalesce(-sum(d) FILTER (WHERE d < 0), 0)::bigint FROM delta";

            // Which copies of a duplicated row go or come does not matter: they are equal in every compared column.
            Delete = $"""
                DELETE FROM {list.TableName} AS t
                 USING (SELECT c.row_ctid, row_number() OVER (PARTITION BY c.ingest_row_hash) AS ingest_row_n, d.d
                          FROM current_rows c JOIN delta d ON d.ingest_row_hash = c.ingest_row_hash AND d.d < 0) z
                 WHERE t.ctid = z.row_ctid AND z.ingest_row_n <= -z.d
                """;
            Update = null;
            Insert = $"""
                INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id)
                SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId
                  FROM (SELECT h.*, row_number() OVER (PARTITION BY h.ingest_row_hash) AS ingest_row_n
                          FROM (SELECT st.*, {Hash("st")} AS ingest_row_hash FROM stage st) h) s
                  JOIN delta d ON d.ingest_row_hash = s.ingest_row_hash AND d.d > 0
                 WHERE s.ingest_row_n <= d.d
                """;
        }
    }

    /// <summary>False for a keyless list (rows compared whole).</summary>
    public bool Keyed { get; }

    /// <summary>COPY straight into the list's table: only for a whole snapshot whose rows are all kept as they come (null otherwise).</summary>
    public string? CopyIntoTable { get; }

    public string HasRows { get; }

    public string CountSite { get; }

    public string CreateStage { get; }

    public string CopyIntoStage { get; }

    /// <summary>Finds one key appearing twice in the delivery; null where duplicates are data (keyless) or harmless (append, key set).</summary>
    public string? FindDuplicateKey { get; }

    public string CountStage { get; }

    /// <summary>Statements, in order, that build the temp table "delta" of what differs.</summary>
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
