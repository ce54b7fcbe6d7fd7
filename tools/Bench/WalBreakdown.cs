using System.Globalization;
using System.Text.RegularExpressions;
using LocalInfra;
using Npgsql;

namespace Bench;

/// <summary>
/// Where a stretch of central WAL went: pg_waldump --stats=record (bytes by resource manager and record type) and the
/// same records summed by the relation of their first block reference, named from pg_class (catalog, list table, its
/// index, bookkeeping, staging…). Records without a block (commit records, standby locks) are counted by record type.
/// </summary>
public static partial class WalBreakdown
{
    /// <summary>The tables as markdown, and the bytes whose first block is in schema "lists" (the list tables and their indexes) or "legacy".</summary>
    public static async Task<WalShares> DescribeAsync(PostgresServer server, NpgsqlConnection central, string startLsn, string endLsn, int top = 15)
    {
        var byRecord = (await server.WalDumpAsync(startLsn, endLsn, ["--stats=record"]))
            .Split('\n')
            .Select(l => StatsLine().Match(l))
            .Where(m => m.Success)
            .Select(m => (Type: m.Groups["type"].Value, Count: long.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture),
                Record: long.Parse(m.Groups["rec"].Value, CultureInfo.InvariantCulture), Fpi: long.Parse(m.Groups["fpi"].Value, CultureInfo.InvariantCulture)))
            .Where(r => r.Count > 0)
            .OrderByDescending(r => r.Record + r.Fpi)
            .ToList();

        var names = new Dictionary<long, string>();
        await using (var command = new NpgsqlCommand(
            "SELECT pg_relation_filenode(c.oid)::bigint, n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE pg_relation_filenode(c.oid) IS NOT NULL",
            central))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                names[reader.GetInt64(0)] = reader.GetString(1);
            }
        }

        var byRelation = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        var listsByType = new Dictionary<string, (long Count, long Bytes)>(StringComparer.Ordinal);
        foreach (var line in (await server.WalDumpAsync(startLsn, endLsn, [])).Split('\n'))
        {
            if (RecordLine().Match(line) is not { Success: true } record)
            {
                continue;
            }

            var bytes = long.Parse(record.Groups["tot"].Value, CultureInfo.InvariantCulture);
            var key = BlockLine().Match(line) is { Success: true } block
                ? names.GetValueOrDefault(long.Parse(block.Groups["node"].Value, CultureInfo.InvariantCulture), $"relfilenode {block.Groups["node"].Value} (dropped or another database)")
                : $"(no block) {record.Groups["rmgr"].Value}";
            var (count, sum) = byRelation.GetValueOrDefault(key);
            byRelation[key] = (count + 1, sum + bytes);
            if (key.StartsWith("lists.", StringComparison.Ordinal))
            {
                // What the list tables' WAL is made of: updates (HOT or not), deletes, inserts, page images, vacuum.
                var type = $"{key} {record.Groups["rmgr"].Value}/{record.Groups["desc"].Value}{(line.Contains("FPW", StringComparison.Ordinal) ? " (with page image)" : string.Empty)}";
                var (typeCount, typeSum) = listsByType.GetValueOrDefault(type);
                listsByType[type] = (typeCount + 1, typeSum + bytes);
            }
        }

        var total = Math.Max(1, byRecord.Sum(r => r.Record + r.Fpi));
        var text = new System.Text.StringBuilder();
        text.AppendLine("| record type | records | record bytes | page image bytes | share |").AppendLine("|---|---:|---:|---:|---:|");
        foreach (var r in byRecord.Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Type} | {r.Count:N0} | {r.Record:N0} | {r.Fpi:N0} | {100.0 * (r.Record + r.Fpi) / total:F1} % |");
        }

        var rest = byRecord.Skip(top).ToList();
        if (rest.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {rest.Count} other types | {rest.Sum(r => r.Count):N0} | {rest.Sum(r => r.Record):N0} | {rest.Sum(r => r.Fpi):N0} | {100.0 * rest.Sum(r => r.Record + r.Fpi) / total:F1} % |");
        }

        text.AppendLine().AppendLine("| relation (first block of the record) | records | bytes | share |").AppendLine("|---|---:|---:|---:|");
        var relations = byRelation.OrderByDescending(r => r.Value.Bytes).ToList();
        var relationTotal = Math.Max(1, relations.Sum(r => r.Value.Bytes));
        foreach (var (name, (count, bytes)) in relations.Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {bytes:N0} | {100.0 * bytes / relationTotal:F1} % |");
        }

        var others = relations.Skip(top).ToList();
        if (others.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {others.Count} other relations | {others.Sum(r => r.Value.Count):N0} | {others.Sum(r => r.Value.Bytes):N0} | {100.0 * others.Sum(r => r.Value.Bytes) / relationTotal:F1} % |");
        }

        text.AppendLine().AppendLine("| list table, record type | records | bytes |").AppendLine("|---|---:|---:|");
        foreach (var (name, (count, bytes)) in listsByType.OrderByDescending(r => r.Value.Bytes).Take(top))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {bytes:N0} |");
        }

        text.AppendLine().AppendLine("| group | bytes | share |").AppendLine("|---|---:|---:|");
        var groups = relations.GroupBy(r => Group(r.Key)).Select(g => (Name: g.Key, Bytes: g.Sum(r => r.Value.Bytes))).OrderByDescending(g => g.Bytes).ToList();
        foreach (var (name, bytes) in groups)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {bytes:N0} | {100.0 * bytes / relationTotal:F1} % |");
        }

        return new WalShares(text.ToString(), groups.Where(g => g.Name == ListTables).Sum(g => g.Bytes), groups.Where(g => g.Name == LegacyTables).Sum(g => g.Bytes));
    }

    public const string ListTables = "list tables and their indexes (lists.*)";

    public const string LegacyTables = "legacy tables (legacy.*: autovacuum after the legacy storm)";

    private static string Group(string relation) => relation switch
    {
        _ when relation.StartsWith("lists.", StringComparison.Ordinal) => ListTables,
        _ when relation.StartsWith("legacy.", StringComparison.Ordinal) => LegacyTables,
        _ when relation.StartsWith("ingest.", StringComparison.Ordinal) => "bookkeeping (ingest.*)",
        _ when relation.StartsWith("staging.", StringComparison.Ordinal) => "staging (staging.*, unlogged)",
        _ when relation.StartsWith("pg_catalog.", StringComparison.Ordinal) || relation.StartsWith("pg_toast.", StringComparison.Ordinal) => "system catalogs (pg_catalog.*, incl. pg_statistic)",
        _ when relation.StartsWith("(no block)", StringComparison.Ordinal) => "records without a block (commits, standby, checkpoints…)",
        _ => "other",
    };

    // "Heap/INSERT   12 (  2.35)   2329 (  3.77)   575 (100.00)   2904 (  4.66)"
    [GeneratedRegex(@"^(?<type>\S+/\S+)\s+(?<n>\d+)\s+\(\s*[\d.]+\)\s+(?<rec>\d+)\s+\(\s*[\d.]+\)\s+(?<fpi>\d+)\s+\(\s*[\d.]+\)")]
    private static partial Regex StatsLine();

    // "rmgr: Heap        len (rec/tot):     54/    54, tx: …, desc: …, blkref #0: rel 1663/5/16385 blk 0"
    [GeneratedRegex(@"^rmgr: (?<rmgr>\S+)\s+len \(rec/tot\):\s*\d+/\s*(?<tot>\d+),(?:.*?desc: (?<desc>[A-Z_0-9+]+))?")]
    private static partial Regex RecordLine();

    [GeneratedRegex(@"blkref #0: rel \d+/\d+/(?<node>\d+)")]
    private static partial Regex BlockLine();
}
