using PecLists.Functions.Lists;

namespace PecLists.Functions.Loading;

/// <summary>
/// The SQL of one snapshot load with one list version. A (site, list) with no rows yet is loaded by COPY straight into
/// its table. Later snapshots are staged, and one full join against the site's rows finds what is new, changed or gone;
/// only those rows are written, so unchanged rows cost no lock and no WAL. Only the version's columns are read or
/// written (the table may hold more, from other versions), and only its compared columns decide "changed".
/// <list type="bullet">
/// <item>Keyed list: rows match on (site, key); a row changed when a compared column IS DISTINCT FROM its stored value.
/// An update writes every column of the version, so <c>"compare": false</c> columns take the latest value whenever
/// the row is written for a real change (docs/design.md §5).</item>
/// <item>Keyless list: the site's rows are a multiset of whole rows. Each row is reduced to the md5 of its compared
/// columns' typed record text; per hash, the difference of counts between snapshot and table says how many copies to
/// insert or delete. Duplicates are kept and NULLs anywhere are fine.</item>
/// </list>
/// </summary>
public sealed class MergeSql
{
    public MergeSql(ListDefinition list)
    {
        var q = ListPublisher.Quote;
        var columns = list.Columns.Select(c => q(c.Name)).ToList();
        var compared = list.Columns.Where(c => c.Compare).Select(c => q(c.Name)).ToList();
        var columnList = string.Join(", ", columns);
        Keyed = list.Key.Count > 0;

        CopyIntoTable = $"COPY {list.TableName} ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        HasRows = $"SELECT EXISTS (SELECT 1 FROM {list.TableName} WHERE site_id = @site)";
        CountSite = $"SELECT count(*) FROM {list.TableName} WHERE site_id = @site";
        CopyIntoStage = $"COPY stage ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        CountStage = "SELECT count(*) FROM stage";

        if (Keyed)
        {
            var keys = list.Key.Select(q).ToList();
            var values = list.Columns.Where(c => !list.Key.Contains(c.Name)).Select(c => q(c.Name)).ToList();
            var comparedValues = compared.Where(c => !keys.Contains(c)).ToList();
            var keyJoin = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));
            var differs = comparedValues.Count == 0
                ? "false"
                : $"ROW({string.Join(", ", comparedValues.Select(v => "s." + v))}) IS DISTINCT FROM ROW({string.Join(", ", comparedValues.Select(v => "t." + v))})";
            var firstKey = keys[0];

            // Key columns NOT NULL: a row without its key is rejected by COPY itself.
            CreateStage = $"CREATE TEMP TABLE stage ({string.Join(", ", list.Columns.Select(c => $"{q(c.Name)} {c.Type}{(list.Key.Contains(c.Name) ? " NOT NULL" : string.Empty)}"))}) ON COMMIT DROP";
            FindDuplicateKey = $"SELECT 1 FROM stage GROUP BY {string.Join(", ", keys)} HAVING count(*) > 1 LIMIT 1";
            CreateDelta =
            [
                $"""
                CREATE TEMP TABLE delta ON COMMIT DROP AS
                SELECT CASE WHEN t.{firstKey} IS NULL THEN 'i' WHEN s.{firstKey} IS NULL THEN 'd' ELSE 'u' END AS op,
                       {string.Join(", ", keys.Select(k => $"coalesce(s.{k}, t.{k}) AS {k}"))}{string.Concat(values.Select(v => $", s.{v}"))}
                  FROM stage s
                  FULL JOIN (SELECT {string.Join(", ", keys)}{string.Concat(comparedValues.Select(v => ", " + v))} FROM {list.TableName} WHERE site_id = @site) t ON {keyJoin}
                 WHERE t.{firstKey} IS NULL OR s.{firstKey} IS NULL OR {differs}
                """,
                "ANALYZE delta",
            ];
            CountDelta = "SELECT count(*) FILTER (WHERE op = 'i'), count(*) FILTER (WHERE op = 'u'), count(*) FILTER (WHERE op = 'd') FROM delta";
            var setValues = values.Count == 0 ? "snapshot_id = @snapshotId" : $"({string.Join(", ", values)}, snapshot_id) = ({string.Join(", ", values.Select(v => "s." + v))}, @snapshotId)";
            Delete = $"DELETE FROM {list.TableName} AS t USING delta s WHERE s.op = 'd' AND t.site_id = @site AND {keyJoin}";
            Update = $"UPDATE {list.TableName} AS t SET {setValues} FROM delta s WHERE s.op = 'u' AND t.site_id = @site AND {keyJoin}";
            Insert = $"INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id) SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId FROM delta s WHERE s.op = 'i'";
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

    public string CopyIntoTable { get; }

    public string HasRows { get; }

    public string CountSite { get; }

    public string CreateStage { get; }

    public string CopyIntoStage { get; }

    /// <summary>Finds one key appearing twice in the snapshot; null for a keyless list, where duplicates are data.</summary>
    public string? FindDuplicateKey { get; }

    public string CountStage { get; }

    /// <summary>Statements, in order, that build the temp table "delta" of what differs.</summary>
    public IReadOnlyList<string> CreateDelta { get; }

    /// <summary>One row: how many rows applying the delta inserts, updates and deletes (read before writing, for the guard).</summary>
    public string CountDelta { get; }

    public string Delete { get; }

    /// <summary>Null for a keyless list: a changed row is one row deleted and one inserted.</summary>
    public string? Update { get; }

    public string Insert { get; }
}
