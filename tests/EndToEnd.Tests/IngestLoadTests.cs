using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LocalInfra;
using Npgsql;
using Xunit.Abstractions;

namespace EndToEnd.Tests;

/// <summary>
/// Ingest under load, the CI-sized version of <c>Bench ingest</c> (docs/benchmarks.md): 1,000 snapshot PUTs from 32
/// concurrent clients on loopback to the real function app; every PUT is accepted in the end (429 refusals are retried
/// after Retry-After and counted) and every snapshot settles: received = loaded + skipped + rejected + held.
/// </summary>
public sealed class IngestLoadTests(ITestOutputHelper output)
{
    private const int Puts = 1000;
    private const int Clients = 32;

    [Fact]
    public async Task A_thousand_concurrent_puts_are_all_accepted_and_every_snapshot_settles()
    {
        var options = new LocalPipelineOptions();
        // Four sites send 250 snapshots each within seconds: far past a municipality's daily budget, so the budget is raised.
        options.FunctionsEnvironment["Ingest__SnapshotsPerMinutePerSite"] = "1000000";
        options.FunctionsEnvironment["Ingest__PermitsPerMinutePerSite"] = "1000000";
        options.FunctionsEnvironment["AzureFunctionsJobHost__extensions__queues__batchSize"] = "4";
        await using var pipeline = await LocalPipeline.StartAsync(options);
        var first = await pipeline.AddMunicipalityAsync("4106902", "Curitiba (teste)", 300, seed: 5);
        var tokens = new List<string> { first.Token };
        foreach (var ibge in new[] { "4113700", "4115200", "4118204" })
        {
            tokens.Add(await AddSiteAsync(pipeline.CentralConnection, ibge));
        }

        var body = SnapshotPutClient.Gzip(await ExtractAsync(first.SourceConnection, "hipertensos"));
        var outcomes = new PutOutcome[Puts];
        var next = -1;
        var origin = DateTimeOffset.UtcNow.AddHours(-1);
        var clock = Stopwatch.StartNew();
        using (var client = new SnapshotPutClient(pipeline.Endpoint, Clients))
        {
            await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < Puts; i = Interlocked.Increment(ref next))
                {
                    outcomes[i] = await client.PutAsync(tokens[i % tokens.Count], "hipertensos", body, origin.AddMilliseconds(i), maxAttempts: 30);
                }
            })));
        }

        var putSeconds = clock.Elapsed.TotalSeconds;
        var latencies = outcomes.Where(o => o.Status == 202).Select(o => o.Seconds * 1000).Order().ToArray();
        output.WriteLine(
            $"{Puts} PUTs in {putSeconds:F1} s from {Clients} clients; {outcomes.Sum(o => o.Refusals)} refusals retried; " +
            $"latency p50 {Rank(latencies, 50):F1} ms, p95 {Rank(latencies, 95):F1} ms, p99 {Rank(latencies, 99):F1} ms, max {latencies.LastOrDefault():F1} ms");
        Assert.All(outcomes, o => Assert.Equal(202, o.Status));
        Assert.Equal(Puts, outcomes.Select(o => o.SnapshotId).Distinct().Count());

        var rows = await pipeline.WaitForLoadsAsync(TimeSpan.FromSeconds(90), expectedAtLeast: Puts);
        var byStatus = rows.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        output.WriteLine($"settled {clock.Elapsed.TotalSeconds - putSeconds:F1} s after the last PUT: {JsonSerializer.Serialize(byStatus)}");
        Assert.Equal(outcomes.Select(o => o.SnapshotId).Order(), rows.Select(r => r.SnapshotId).Order());
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { "loaded", "skipped", "rejected", "held" }));
        // Every body is a valid snapshot of one unchanged list: nothing may be rejected or held, and each site's rows are there once.
        Assert.Equal(Puts, byStatus.GetValueOrDefault("loaded") + byStatus.GetValueOrDefault("skipped"));
        Assert.True((await pipeline.CompareAsync(first, "hipertensos")).Equal);
    }

    /// <summary>
    /// A site and its token straight in the database, as <c>sites add</c> and <c>tokens issue</c> store them (SHA-256 of
    /// the token): two process starts per site would cost this test more than its PUTs.
    /// </summary>
    private static async Task<string> AddSiteAsync(string centralConnection, string ibge)
    {
        var token = "pec_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await using var connection = new NpgsqlConnection(centralConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            INSERT INTO ingest.sites (site_id, name) VALUES (@ibge, @name);
            INSERT INTO ingest.site_tokens (token_id, site_id, token_hash) VALUES (@id, @ibge, @hash);
            """, connection);
        command.Parameters.AddWithValue("ibge", ibge);
        command.Parameters.AddWithValue("name", $"Carga {ibge}");
        command.Parameters.AddWithValue("id", Guid.CreateVersion7());
        command.Parameters.AddWithValue("hash", SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        await command.ExecuteNonQueryAsync();
        return token;
    }

    private static double Rank(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    /// <summary>The list's SQL as the uploader runs it: COPY to CSV with a header, from the site's read-only role.</summary>
    private static async Task<string> ExtractAsync(string sourceConnection, string list)
    {
        var sql = await File.ReadAllTextAsync(Path.Combine(RepoPaths.ListsDirectory, list + ".sql"));
        await using var connection = new NpgsqlConnection(sourceConnection);
        await connection.OpenAsync();
        using var reader = await connection.BeginTextExportAsync($"COPY (\n{sql.Trim()}\n) TO STDOUT (FORMAT csv, HEADER)");
        return await reader.ReadToEndAsync();
    }
}
