using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using LocalInfra.Examples;
using Npgsql;

namespace LocalInfra.Usuarios;

/// <summary>
/// examples/usuarios-mirror on a <see cref="LocalPipeline"/>: the application's own database (<c>aplicacao</c>, on the
/// pipeline's "municipal" PostgreSQL, read by a read-only role), the example's definition signed and published by the
/// real commands, a site whose uploader config holds the masking key and a shortened schedule minute; and what a test
/// or the example runner checks afterwards: the central table against the source with the masks applied, value by
/// value, and the mirror's lag.
/// </summary>
public sealed class UsuariosMirror
{
    public const string Example = "usuarios-mirror";
    public const string List = "usuarios";
    public const string KeyId = "exemplo1";

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    private UsuariosMirror(LocalPipeline pipeline, Municipality site, string adminConnection)
    {
        Pipeline = pipeline;
        Site = site;
        AdminConnection = adminConnection;
    }

    public LocalPipeline Pipeline { get; }

    public Municipality Site { get; }

    /// <summary>The application's database as the application writes it (the workload's connection).</summary>
    public string AdminConnection { get; }

    /// <summary>Creates the application's database with <paramref name="seedRows"/> users, publishes the example and configures a site for it.</summary>
    public static async Task<UsuariosMirror> SetUpAsync(LocalPipeline pipeline, string ibge, int seedRows, int minuteSeconds, CancellationToken ct = default)
    {
        await pipeline.Municipal.CreateDatabaseAsync("aplicacao", ct);
        var admin = pipeline.Municipal.ConnectionString("aplicacao");
        await UsuariosSchema.CreateAsync(admin, ct);
        await new UsuariosWorkload(admin, new UsuariosWorkloadOptions { Seed = 1 }).SeedAsync(seedRows, ct);

        await pipeline.SignAndPublishAsync(ExampleFiles.Copy(Example, List + ".json", pipeline.WorkPath("example")), ct);
        var site = await pipeline.AddSiteAsync(
            ibge, "Aplicação de exemplo", pipeline.Municipal.ConnectionString("aplicacao", UsuariosSchema.ReaderRole, UsuariosSchema.ReaderPassword), ct);
        var mirror = new UsuariosMirror(pipeline, site, admin);
        ExampleFiles.EditConfig(site.ConfigPath, c =>
        {
            c["maskingKey"] = new JsonObject { ["id"] = KeyId, ["key"] = Convert.ToBase64String(mirror._key) };
            c["watch"] = new JsonObject { ["minuteSeconds"] = minuteSeconds };
        });
        return mirror;
    }

    /// <summary>
    /// A day passes for the key sets only: the last key set the backend loaded and the one this uploader sent are made
    /// 25 hours older, so the next run reads and sends the whole key set (<c>keySetEveryHours</c>: 24), as it would a
    /// day later. Nothing else moves: the cursor, the rows and the schedule keep their times.
    /// </summary>
    public async Task LetTheKeySetPeriodPassAsync(CancellationToken ct = default)
    {
        await using (var connection = new NpgsqlConnection(Pipeline.CentralConnection))
        {
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand(
                "UPDATE ingest.list_cursors SET keyset_at = keyset_at - interval '25 hours' WHERE site_id = @site AND list_name = @list", connection);
            command.Parameters.AddWithValue("site", Site.Ibge);
            command.Parameters.AddWithValue("list", List);
            await command.ExecuteNonQueryAsync(ct);
        }

        var statePath = Path.Combine(Site.SpoolDirectory, "state.json");
        var state = JsonNode.Parse(await File.ReadAllTextAsync(statePath, ct))!.AsObject();
        if (state.FirstOrDefault(p => string.Equals(p.Key, "keySetsSent", StringComparison.OrdinalIgnoreCase)).Value is JsonObject sent)
        {
            foreach (var name in sent.Select(p => p.Key).ToList())
            {
                sent[name] = sent[name]!.GetValue<DateTimeOffset>().AddHours(-25);
            }
        }

        await File.WriteAllTextAsync(statePath, state.ToJsonString(), ct);
    }

    /// <summary>The rows the newest loaded key set removed (rows deleted outright at the source since the one before).</summary>
    public async Task<long> RowsDeletedByTheLastKeySetAsync(CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(Pipeline.CentralConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT rows_deleted FROM ingest.snapshots WHERE site_id = @site AND list_name = @list AND delivery_kind = 'keyset' AND status = 'loaded' ORDER BY extracted_at DESC LIMIT 1",
            connection);
        command.Parameters.AddWithValue("site", Site.Ibge);
        command.Parameters.AddWithValue("list", List);
        return await command.ExecuteScalarAsync(ct) is long deleted ? deleted : -1;
    }

    /// <summary>Rows the central table holds for the site.</summary>
    public async Task<long> CentralCountAsync(CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(Pipeline.CentralConnection);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM lists.{List} WHERE site_id = @site", connection);
        command.Parameters.AddWithValue("site", Site.Ibge);
        try
        {
            return (long)(await command.ExecuteScalarAsync(ct))!;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return 0;
        }
    }

    /// <summary>
    /// The differences between the central table and the source's live rows (not soft-deleted) with the masks applied
    /// (cpf and email hashed, telefone cut to its last 4), every row and every column; empty when they are equal.
    /// </summary>
    public async Task<IReadOnlyList<string>> DifferencesAsync(CancellationToken ct = default)
    {
        var sql = ExampleFiles.SqlOf(Example, List + ".json");
        var source = await RowsAsync(AdminConnection, $"SELECT * FROM ({StripComments(sql)}) AS s WHERE s.deleted_at IS NULL", null, masked: true, ct);
        var central = await RowsAsync(Pipeline.CentralConnection, $"SELECT id, nome, cpf, email, telefone, updated_at, deleted_at FROM lists.{List} WHERE site_id = @site", Site.Ibge, masked: false, ct);
        var differences = new List<string>();
        foreach (var (id, row) in source)
        {
            if (!central.TryGetValue(id, out var there))
            {
                differences.Add($"id {id}: missing centrally");
            }
            else if (!row.SequenceEqual(there))
            {
                // Column names only: the values are personal data (masked or not).
                differences.Add($"id {id}: differs in {string.Join(", ", Columns.Where((_, i) => row[i] != there[i]))}");
            }
        }

        differences.AddRange(central.Keys.Except(source.Keys).Select(id => $"id {id}: centrally but not (or no longer) at the source"));
        return differences;
    }

    /// <summary>The compared columns after the key, in the order both queries read them.</summary>
    private static readonly string[] Columns = ["nome", "cpf", "email", "telefone", "updated_at", "deleted_at"];

    private async Task<Dictionary<long, string?[]>> RowsAsync(string connectionString, string sql, string? site, bool masked, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        if (site is not null)
        {
            command.Parameters.AddWithValue("site", site);
        }

        var rows = new Dictionary<long, string?[]>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            string? Instant(int i) => reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i).ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);
            rows.Add(reader.GetInt64(0), masked
                ? [Text(1), DocumentedMasks.Hash(KeyId, _key, Text(2)), DocumentedMasks.Hash(KeyId, _key, Text(3)), DocumentedMasks.LastDigits(Text(4), 4), Instant(5), Instant(6)]
                : [Text(1), Text(2), Text(3), Text(4), Instant(5), Instant(6)]);
        }

        return rows;
    }

    private static string StripComments(string sql) => string.Join('\n', sql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)));
}
