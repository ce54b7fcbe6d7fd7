using System.Text;
using Npgsql;

namespace LocalInfra;

/// <summary>
/// Every row of every table of a database as text: what a test searches to prove a value (a clear CPF, a name) is
/// nowhere in the central database, whichever table a future change might copy it into.
/// </summary>
public static class CentralText
{
    public static async Task<string> AllTablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables)
        {
            await using var rows = new NpgsqlCommand($"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {table} t", connection);
            text.AppendLine((string)(await rows.ExecuteScalarAsync())!);
        }

        return text.ToString();
    }
}
