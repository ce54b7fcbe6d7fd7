using System.Globalization;
using LocalInfra;
using Npgsql;
using PecLists.Functions.Lists;
using PecLists.Functions.Sites;
using SyntheticPec;

namespace Bench;

/// <summary>
/// Builds the storm's sites before any storm runs: one PEC database per site on the municipal cluster, each list
/// extracted once into a local table (<c>lista_*</c>: day one) and again as the next day's run (<c>dia2_*</c>: every
/// <c>"compare": false</c> column changed, and for hipertensos 5 % of rows updated, 1 % deleted, 1 % new), the site
/// registered with a token, and the legacy push (a postgres_fdw foreign table per list into the central <c>legacy</c> schema).
/// </summary>
public static class StormSetup
{
    public static async Task<IReadOnlyList<StormSite>> PrepareAsync(
        LocalPipeline pipeline, NpgsqlDataSource centralDatabase, IReadOnlyList<ListDefinition> lists, int sites, int citizens)
    {
        await using (var central = await centralDatabase.OpenConnectionAsync())
        {
            await Central.ExecAsync(central, "CREATE SCHEMA legacy");
            foreach (var list in lists)
            {
                var key = list.Key.Count == 0 ? string.Empty : $", PRIMARY KEY (site_id, {string.Join(", ", list.Key.Select(k => $"\"{k}\""))})";
                await Central.ExecAsync(central, $"CREATE TABLE legacy.{list.Name} (site_id text NOT NULL, {ColumnsDdl(list)}{key})");
                if (list.Key.Count == 0)
                {
                    await Central.ExecAsync(central, $"CREATE INDEX ON legacy.{list.Name} (site_id)");
                }
            }
        }

        var result = new StormSite[sites];
        var next = -1;
        // Two at a time: the machine has two cores and the generator is CPU-bound.
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < sites; i = Interlocked.Increment(ref next))
            {
                result[i] = await PrepareSiteAsync(pipeline, centralDatabase, lists, i, citizens);
                if ((i + 1) % 10 == 0)
                {
                    Console.WriteLine($"  {i + 1}/{sites} sites ready");
                }
            }
        }));
        return result;
    }

    private static async Task<StormSite> PrepareSiteAsync(LocalPipeline pipeline, NpgsqlDataSource centralDatabase, IReadOnlyList<ListDefinition> lists, int index, int citizens)
    {
        var ibge = (3500001 + index).ToString(CultureInfo.InvariantCulture);
        var database = $"esus_{ibge}";
        await pipeline.Municipal.CreateDatabaseAsync(database);
        await using var connection = new NpgsqlConnection(pipeline.Municipal.ConnectionString(database));
        await connection.OpenAsync();
        await PecDatabase.CreateSchemaAsync(connection);
        await PecDatabase.PopulateAsync(connection, new PecSeed(citizens, index + 1, ibge, $"Storm {index}", DateOnly.FromDateTime(DateTime.Today)));
        long changed = 0;
        foreach (var list in lists)
        {
            await Central.ExecAsync(connection, $"CREATE TABLE lista_{list.Name} AS SELECT * FROM (\n{list.Sql}\n) q");
            await Central.ExecAsync(connection, $"CREATE TABLE dia2_{list.Name} AS SELECT * FROM lista_{list.Name}");
            if (list.Name == "hipertensos")
            {
                await Central.ExecAsync(connection,
                    """
                    UPDATE dia2_hipertensos SET qt_atendimentos_12m = coalesce(qt_atendimentos_12m, 0) + 1 WHERE id_cidadao % 100 < 5;
                    DELETE FROM dia2_hipertensos WHERE id_cidadao % 100 = 5;
                    CREATE TEMP TABLE novos AS SELECT * FROM lista_hipertensos WHERE id_cidadao % 100 = 6;
                    UPDATE novos SET id_cidadao = id_cidadao + 1000000000;
                    INSERT INTO dia2_hipertensos SELECT * FROM novos;
                    DROP TABLE novos;
                    """);
                changed = await Central.ScalarAsync<long>(connection,
                    "SELECT count(*) FROM dia2_hipertensos c FULL JOIN lista_hipertensos b USING (id_cidadao) WHERE c IS NULL OR b IS NULL OR c.qt_atendimentos_12m IS DISTINCT FROM b.qt_atendimentos_12m");
            }

            var volatileColumns = list.Columns.Where(c => !c.Compare).Select(c => $"\"{c.Name}\" = " + NextDay(c.Name, c.Type)).ToList();
            if (volatileColumns.Count > 0)
            {
                await Central.ExecAsync(connection, $"UPDATE dia2_{list.Name} SET {string.Join(", ", volatileColumns)}");
            }
        }

        await Central.ExecAsync(connection,
            $"""
            CREATE EXTENSION postgres_fdw;
            CREATE SERVER central FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '{pipeline.Central.Port}', dbname 'central', batch_size '1');
            CREATE USER MAPPING FOR CURRENT_USER SERVER central OPTIONS (user 'postgres');
            """);
        foreach (var list in lists)
        {
            await Central.ExecAsync(connection,
                $"CREATE FOREIGN TABLE legacy_{list.Name} (site_id text, {ColumnsDdl(list)}) SERVER central OPTIONS (schema_name 'legacy', table_name '{list.Name}')");
        }

        await SiteTokens.AddSiteAsync(centralDatabase, ibge, $"Storm {index}", CancellationToken.None);
        var (_, token) = await SiteTokens.IssueAsync(centralDatabase, ibge, CancellationToken.None);
        return new StormSite(ibge, database, token, changed);
    }

    public static string ColumnsDdl(ListDefinition list) => string.Join(", ", list.Columns.Select(c => $"\"{c.Name}\" {c.Type}"));

    /// <summary>Tomorrow's value of an extraction-time column (as LoadBenchmark's "only extraction-time columns" case).</summary>
    public static string NextDay(string name, string type) => type switch
    {
        "timestamptz" or "timestamp" => $"\"{name}\" + interval '1 day'",
        "date" or "smallint" or "integer" or "bigint" or "numeric" or "int2" or "int4" or "int8" => $"\"{name}\" + 1",
        _ => $"reverse(\"{name}\")", // same length: varchar(n) columns stay within n
    };

    /// <summary>A table as the uploader extracts it (text COPY, CSV with header), gzipped at the uploader's default level.</summary>
    public static async Task<byte[]> ExtractAsync(NpgsqlConnection connection, string table)
    {
        using var reader = await connection.BeginTextExportAsync($"COPY (SELECT * FROM {table}) TO STDOUT (FORMAT csv, HEADER)");
        return SnapshotPutClient.Gzip(await reader.ReadToEndAsync());
    }
}
