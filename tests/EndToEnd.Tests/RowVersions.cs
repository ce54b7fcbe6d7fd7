using Npgsql;

namespace EndToEnd.Tests;

/// <summary>Every hipertensos row of a site with its physical version (xmin) and snapshot: equal lists mean nothing was rewritten.</summary>
public static class RowVersions
{
    public static async Task<List<string>> OfAsync(string centralConnection, string site)
    {
        await using var connection = new NpgsqlConnection(centralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT id_cidadao::text || ':' || xmin::text || ':' || snapshot_id::text FROM lists.hipertensos WHERE site_id = @site ORDER BY id_cidadao",
            connection);
        command.Parameters.AddWithValue("site", site);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        Assert.NotEmpty(rows);
        return rows;
    }
}
