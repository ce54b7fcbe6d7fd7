using Ingest.Functions.Lists;

namespace Ingest.Functions.Loading;

/// <summary>
/// The SQL of one snapshot merge. Rows are compared through a hash of their values, so unchanged rows are never
/// updated (no lock, no WAL): only new, changed and vanished rows are written.
/// </summary>
public sealed class MergeSql
{
    public MergeSql(ListDefinition list)
    {
        var columns = list.Columns.Select(c => ListPublisher.Quote(c.Name)).ToList();
        var keys = list.Key.Select(ListPublisher.Quote).ToList();
        var columnList = string.Join(", ", columns);
        var sourceColumns = string.Join(", ", columns.Select(c => "s." + c));
        var hash = $"md5(ROW({sourceColumns})::text)::uuid";
        var keyJoin = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));

        CreateStage = $"CREATE TEMP TABLE stage ({string.Join(", ", list.Columns.Select(c => $"{ListPublisher.Quote(c.Name)} {c.Type}"))}) ON COMMIT DROP";
        Copy = $"COPY stage ({columnList}) FROM STDIN (FORMAT csv, HEADER)";
        // A unique index both rejects duplicate keys in the snapshot and speeds up the joins below.
        IndexStage = $"CREATE UNIQUE INDEX ON stage ({string.Join(", ", keys)}); ANALYZE stage";
        Update = $"""
            UPDATE {list.TableName} AS t
               SET ({columnList}, row_hash, snapshot_id) = ({sourceColumns}, s.row_hash, @snapshotId)
              FROM (SELECT s.*, {hash} AS row_hash FROM stage s) AS s
             WHERE t.site_id = @site AND {keyJoin} AND t.row_hash <> s.row_hash
            """;
        Insert = $"""
            INSERT INTO {list.TableName} (site_id, {columnList}, row_hash, snapshot_id)
            SELECT @site, {sourceColumns}, {hash}, @snapshotId
              FROM stage s
             WHERE NOT EXISTS (SELECT 1 FROM {list.TableName} t WHERE t.site_id = @site AND {keyJoin})
            """;
        Delete = $"""
            DELETE FROM {list.TableName} AS t
             WHERE t.site_id = @site AND NOT EXISTS (SELECT 1 FROM stage s WHERE {keyJoin})
            """;
        CountStage = "SELECT count(*) FROM stage";
    }

    public string CreateStage { get; }

    public string Copy { get; }

    public string IndexStage { get; }

    public string Update { get; }

    public string Insert { get; }

    public string Delete { get; }

    public string CountStage { get; }
}
