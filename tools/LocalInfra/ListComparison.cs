using System.Text.Json;
using Npgsql;

namespace LocalInfra;

/// <summary>
/// Compares a list's rows in the source (running its SQL now) with the site's rows in the central table, value by value:
/// each row is reduced to md5 of its typed record text (NULL and '' differ, accents and dates are exact), and the two
/// sides are compared as multisets (a keyless list may hold equal rows). Only the columns given are compared: pass
/// <see cref="ComparedColumns"/>, which leaves out the <c>"compare": false</c> ones, whose central value is, by design,
/// the one of the snapshot that last wrote the row.
/// </summary>
public static class ListComparison
{
    /// <summary>The names of a list definition's (lists/*.json) columns that are compared: all but <c>"compare": false</c>.</summary>
    public static IReadOnlyList<string> ComparedColumns(JsonElement definition) =>
    [
        .. definition.GetProperty("columns").EnumerateArray()
            .Where(c => !(c.TryGetProperty("compare", out var compare) && compare.ValueKind == JsonValueKind.False))
            .Select(c => c.GetProperty("name").GetString()!),
    ];

    public static async Task<ComparisonResult> CompareAsync(
        string sourceConnection, string listSql, string centralConnection, string table, string site, IReadOnlyList<string> columns, CancellationToken ct = default)
    {
        var quoted = string.Join(", ", columns.Select(c => $"q.\"{c}\""));
        var source = await HashesAsync(sourceConnection, $"SELECT md5(ROW({quoted})::text) FROM (\n{listSql}\n) q", null, ct);
        var central = await HashesAsync(centralConnection, $"SELECT md5(ROW({quoted})::text) FROM {table} q WHERE q.site_id = @site", site, ct);
        var onlySource = Subtract(source, central);
        var onlyCentral = Subtract(central, source);
        return new ComparisonResult(source.Count, central.Count, onlySource, onlyCentral);
    }

    private static async Task<List<string>> HashesAsync(string connectionString, string sql, string? site, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        if (site is not null)
        {
            command.Parameters.AddWithValue("site", site);
        }

        var hashes = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            hashes.Add(reader.GetString(0));
        }

        return hashes;
    }

    private static long Subtract(List<string> left, List<string> right)
    {
        var counts = right.GroupBy(h => h, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        long missing = 0;
        foreach (var hash in left)
        {
            if (counts.TryGetValue(hash, out var n) && n > 0)
            {
                counts[hash] = n - 1;
            }
            else
            {
                missing++;
            }
        }

        return missing;
    }
}
