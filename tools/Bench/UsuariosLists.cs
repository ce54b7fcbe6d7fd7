using System.Text.Json.Nodes;

namespace Bench;

/// <summary>
/// The two list definitions of the usuarios benchmark over the same table, CPF and e-mail hashed (HMAC, the fleet key)
/// in both: <c>usuarios</c> incremental (cursor updated_at, soft deletes by deleted_at, a key set a day, polled every
/// minute by the watch service) and <c>usuarios_snapshot</c>, the whole table every run. The snapshot list reads only
/// the live rows: a snapshot list has no soft-delete column, so that is how its central table holds the same rows.
/// </summary>
public static class UsuariosLists
{
    public const string Incremental = "usuarios";
    public const string Snapshot = "usuarios_snapshot";
    private const string Columns = "id, nome, cpf, email, telefone, data_nascimento, created_at, updated_at, deleted_at";

    public static string IncrementalJson(int lookbackSeconds) => Definition(Incremental, $"SELECT {Columns} FROM public.usuarios", new JsonObject
    {
        ["mode"] = "incremental",
        ["incremental"] = new JsonObject { ["cursorColumn"] = "updated_at", ["lookbackSeconds"] = lookbackSeconds, ["softDeleteColumn"] = "deleted_at", ["keySetEveryHours"] = 24 },
        ["schedule"] = new JsonObject { ["everyMinutes"] = 1 },
    });

    public static string SnapshotJson() => Definition(Snapshot, $"SELECT {Columns} FROM public.usuarios WHERE deleted_at IS NULL", []);

    private static string Definition(string name, string sql, JsonObject extra)
    {
        var definition = new JsonObject
        {
            ["name"] = name,
            ["version"] = 1,
            ["description"] = "usuarios benchmark (docs/benchmarks.md)",
            ["sql"] = sql,
            ["columns"] = new JsonArray(
                Column("id", "bigint"),
                Column("nome", "text"),
                Column("cpf", "text", "hash"),
                Column("email", "text", "hash"),
                Column("telefone", "text"),
                Column("data_nascimento", "date"),
                Column("created_at", "timestamptz"),
                Column("updated_at", "timestamptz"),
                Column("deleted_at", "timestamptz")),
            ["key"] = new JsonArray("id"),
        };
        foreach (var (key, value) in extra.ToList())
        {
            extra.Remove(key);
            definition[key] = value;
        }

        return definition.ToJsonString();
    }

    private static JsonObject Column(string name, string type, string? mask = null)
    {
        var column = new JsonObject { ["name"] = name, ["type"] = type };
        if (mask is not null)
        {
            column["mask"] = new JsonObject { ["kind"] = mask };
        }

        return column;
    }
}
