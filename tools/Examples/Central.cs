using Npgsql;

namespace Examples;

/// <summary>Reads the central database for the examples' printouts.</summary>
public static class Central
{
    /// <summary>The rows of <paramref name="sql"/> as text, one line each, columns separated by " | ", with a header line.</summary>
    public static async Task<IReadOnlyList<string>> TableAsync(string connectionString, string sql, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var lines = new List<string> { string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(reader.GetName)) };
        while (await reader.ReadAsync(ct))
        {
            lines.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Text(reader.GetValue(i)))));
        }

        return lines;
    }

    /// <summary>A value as text: times in ISO 8601 (UTC), everything else invariant.</summary>
    private static string Text(object value) => value is DateTime time
        ? time.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture)
        : Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>One number (a count), or 0 while the table does not exist yet.</summary>
    public static async Task<long> CountAsync(string connectionString, string sql, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    public static void Print(string title, IReadOnlyList<string> table)
    {
        Console.WriteLine();
        Console.WriteLine($"== {title}");
        foreach (var line in table)
        {
            Console.WriteLine("   " + line);
        }
    }
}
