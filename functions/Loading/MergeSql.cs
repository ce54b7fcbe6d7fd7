using PecLists.Functions.Lists;

namespace PecLists.Functions.Loading;

/// <summary>
/// The SQL of one snapshot load. A (site, list) with no rows yet is loaded by COPY straight into its table. Later
/// snapshots are staged, and one hash full join against the site's rows finds what is new, changed (typed values
/// compared with IS DISTINCT FROM) or gone; only those rows are written, so unchanged rows cost no lock and no WAL.
/// </summary>
public sealed class MergeSql
{
    public MergeSql(ListDefinition list)
    {
        var q = ListPublisher.Quote;
        var columns = list.Columns.Select(c => q(c.Name)).ToList();
        var keys = list.Key.Select(q).ToList();
        var values = list.Columns.Where(c => !list.Key.Contains(c.Name)).Select(c => q(c.Name)).ToList();
        var columnList = string.Join(", ", columns);
        var keyJoin = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));
        var differs = values.Count == 0
            ? "false"
            : $"ROW({string.Join(", ", values.Select(v => "s." + v))}) IS DISTINCT FROM ROW({string.Join(", ", values.Select(v => "t." + v))})";
        var firstKey = keys[0];

        CopyIntoTable = $"COPY {list.TableName} ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        HasRows = $"SELECT EXISTS (SELECT 1 FROM {list.TableName} WHERE site_id = @site)";
        CountSite = $"SELECT count(*) FROM {list.TableName} WHERE site_id = @site";

        // Key columns NOT NULL: a row without its key is rejected by COPY itself.
        CreateStage = $"CREATE TEMP TABLE stage ({string.Join(", ", list.Columns.Select(c => $"{q(c.Name)} {c.Type}{(list.Key.Contains(c.Name) ? " NOT NULL" : string.Empty)}"))}) ON COMMIT DROP";
        CopyIntoStage = $"COPY stage ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        FindDuplicateKey = $"SELECT 1 FROM stage GROUP BY {string.Join(", ", keys)} HAVING count(*) > 1 LIMIT 1";
        CountStage = "SELECT count(*) FROM stage";
        CreateDelta = $"""
            CREATE TEMP TABLE delta ON COMMIT DROP AS
            SELECT CASE WHEN t.{firstKey} IS NULL THEN 'i' WHEN s.{firstKey} IS NULL THEN 'd' ELSE 'u' END AS op,
                   {string.Join(", ", keys.Select(k => $"coalesce(s.{k}, t.{k}) AS {k}"))}{string.Concat(values.Select(v => $", s.{v}"))}
              FROM stage s
              FULL JOIN (SELECT * FROM {list.TableName} WHERE site_id = @site) t ON {keyJoin}
             WHERE t.{firstKey} IS NULL OR s.{firstKey} IS NULL OR {differs}
            """;
        var setValues = values.Count == 0 ? "snapshot_id = @snapshotId" : $"({string.Join(", ", values)}, snapshot_id) = ({string.Join(", ", values.Select(v => "s." + v))}, @snapshotId)";
        Update = $"UPDATE {list.TableName} AS t SET {setValues} FROM delta s WHERE s.op = 'u' AND t.site_id = @site AND {keyJoin}";
        Insert = $"INSERT INTO {list.TableName} (site_id, {columnList}, snapshot_id) SELECT @site, {string.Join(", ", columns.Select(c => "s." + c))}, @snapshotId FROM delta s WHERE s.op = 'i'";
        Delete = $"DELETE FROM {list.TableName} AS t USING delta s WHERE s.op = 'd' AND t.site_id = @site AND {keyJoin}";
    }

    public string CopyIntoTable { get; }

    public string HasRows { get; }

    public string CountSite { get; }

    public string CreateStage { get; }

    public string CopyIntoStage { get; }

    public string FindDuplicateKey { get; }

    public string CountStage { get; }

    public string CreateDelta { get; }

    public string Update { get; }

    public string Insert { get; }

    public string Delete { get; }
}
