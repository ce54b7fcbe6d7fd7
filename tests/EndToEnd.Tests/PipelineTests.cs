using System.Collections.Concurrent;
using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>
/// Two synthetic municipalities, every list in lists/, through uploader → ingest → Blob + queue → dispatcher → load →
/// central table; then the next day's run of the same sources, where only extraction-time columns differ.
/// </summary>
public sealed class PipelineFixture : IAsyncLifetime
{
    public static IReadOnlyList<string> Lists { get; } = LocalPipelineOptions.AllLists;

    public ConcurrentQueue<string> FunctionsLog { get; } = new();

    public LocalPipeline Pipeline { get; private set; } = null!;

    public Municipality[] Sites { get; private set; } = [];

    public ProcessResult[] UploaderRuns { get; private set; } = [];

    public IReadOnlyList<SnapshotRow> Snapshots { get; private set; } = [];

    /// <summary>The second run's snapshots (same sources, run again).</summary>
    public IReadOnlyList<SnapshotRow> NextDay { get; private set; } = [];

    public ProcessResult[] NextDayRuns { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var options = new LocalPipelineOptions { OnFunctionsOutput = FunctionsLog.Enqueue, Lists = Lists };
        Pipeline = await LocalPipeline.StartAsync(options);
        Sites =
        [
            await Pipeline.AddMunicipalityAsync("3304557", "Rio de Janeiro (teste)", 4000, seed: 1),
            await Pipeline.AddMunicipalityAsync("2927408", "Salvador (teste)", 2500, seed: 2),
        ];
        UploaderRuns = await Task.WhenAll(Sites.Select(s => Pipeline.RunUploaderAsync(s)));
        var firstRunsEnded = DateTimeOffset.UtcNow;
        var perRun = Sites.Length * Lists.Count;
        Snapshots = await Pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3), expectedAtLeast: perRun);

        // now() moves on between the runs, so every list's extraction-time columns differ from the first run's: the next
        // runs start in a later whole second than the first ones ended in (usually already so once their loads finished).
        await Eventually.UntilAsync(
            () => DateTimeOffset.UtcNow, now => now.ToUnixTimeSeconds() > firstRunsEnded.ToUnixTimeSeconds(), TimeSpan.FromSeconds(30),
            $"the clock to pass the second the first runs ended in ({firstRunsEnded:O})", TimeSpan.FromMilliseconds(50), now => now.ToString("O"));
        NextDayRuns = await Task.WhenAll(Sites.Select(s => Pipeline.RunUploaderAsync(s)));
        NextDay = [.. (await Pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3), expectedAtLeast: 2 * perRun)).Where(s => !Snapshots.Any(first => first.SnapshotId == s.SnapshotId))];
    }

    public Task DisposeAsync() => Pipeline.DisposeAsync().AsTask();
}

public sealed class PipelineTests(PipelineFixture fixture) : IClassFixture<PipelineFixture>
{
    [Fact]
    public void Every_uploader_run_succeeds_and_leaves_an_empty_spool()
    {
        foreach (var (site, run) in fixture.Sites.Zip(fixture.UploaderRuns))
        {
            Assert.True(run.ExitCode == 0, run.Combined);
            Assert.Contains("accepted", run.StandardOutput, StringComparison.Ordinal);
            // No snapshot left behind (the spool's own state.json and cached list definitions stay, by design).
            Assert.Empty(Directory.Exists(site.SpoolDirectory)
                ? Directory.GetFiles(site.SpoolDirectory, "*.csv.gz*", SearchOption.AllDirectories)
                : []);
            Assert.True(File.Exists(Path.Combine(site.SpoolDirectory, $"lists-{site.Ibge}.json")));
        }
    }

    [Fact]
    public void Every_snapshot_of_every_list_is_loaded_once_with_inserted_rows()
    {
        var expected = fixture.Sites.SelectMany(s => PipelineFixture.Lists.Select(l => $"{s.Ibge}/{l}")).Order();
        Assert.Equal(expected, fixture.Snapshots.Select(s => $"{s.Site}/{s.List}").Order());
        Assert.All(fixture.Snapshots, s =>
        {
            Assert.Equal("loaded", s.Status);
            Assert.Equal(1, s.Attempts);
            Assert.True(s.Inserted > 10, $"{s.Site}/{s.List} inserted {s.Inserted}");
            Assert.Equal((0L, 0L, 0L), (s.Updated!.Value, s.Deleted!.Value, s.Unchanged!.Value));
        });
    }

    [Fact]
    public void The_next_days_run_of_unchanged_sources_writes_no_row_of_any_list()
    {
        Assert.All(fixture.NextDayRuns, r => Assert.True(r.ExitCode == 0, r.Combined));
        Assert.Equal(fixture.Snapshots.Count, fixture.NextDay.Count);
        Assert.All(fixture.NextDay, s =>
        {
            Assert.Equal("loaded", s.Status);
            Assert.Equal((0L, 0L, 0L), (s.Inserted!.Value, s.Updated!.Value, s.Deleted!.Value));
            var first = fixture.Snapshots.Single(f => f.Site == s.Site && f.List == s.List);
            Assert.Equal(first.Inserted, s.Unchanged);
        });
    }

    [Fact]
    public async Task Central_rows_equal_the_source_query_rows_value_by_value_for_every_list()
    {
        foreach (var site in fixture.Sites)
        {
            foreach (var list in PipelineFixture.Lists)
            {
                var comparison = await fixture.Pipeline.CompareAsync(site, list);

                Assert.True(comparison.Equal, $"{site.Ibge}/{list}: {comparison}");
                Assert.True(comparison.SourceRows > 10, $"{site.Ibge}/{list}: {comparison}");
            }
        }
    }

    [Fact]
    public async Task Every_run_leaves_a_heartbeat_the_backend_accepted()
    {
        await using var central = new NpgsqlConnection(fixture.Pipeline.CentralConnection);
        await central.OpenAsync();
        foreach (var site in fixture.Sites)
        {
            await using var command = new NpgsqlCommand(
                "SELECT report->>'outcome', report->>'kind', (report->>'spoolDepth')::int FROM ingest.heartbeats WHERE site_id = @site", central);
            command.Parameters.AddWithValue("site", site.Ibge);
            await using var reader = await command.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync(), $"no heartbeat from {site.Ibge}");
            Assert.Equal(("ok", "run", 0), (reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        Assert.All(fixture.UploaderRuns, r => Assert.DoesNotContain("heartbeat not delivered", r.Combined, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accents_nulls_and_dates_arrive_intact()
    {
        await using var central = new NpgsqlConnection(fixture.Pipeline.CentralConnection);
        await central.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT count(*) FILTER (WHERE no_cidadao ~ '[À-ÿ]'),
                   count(*) FILTER (WHERE nu_cpf IS NULL),
                   count(*) FILTER (WHERE dt_nascimento < DATE '1960-01-01'),
                   count(*) FILTER (WHERE dt_ultima_visita_domiciliar = DATE '3000-12-31')
              FROM lists.hipertensos
            """, central);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();

        Assert.True(reader.GetInt64(0) > 0, "no accented names arrived");
        Assert.True(reader.GetInt64(1) > 0, "no NULL CPF arrived (the generator makes some)");
        Assert.True(reader.GetInt64(2) > 0, "no old birth dates arrived");
        Assert.Equal(0, reader.GetInt64(3));
    }

    [Fact]
    public async Task No_personal_data_reaches_any_log_line()
    {
        var logs = string.Join('\n', fixture.FunctionsLog.Concat(fixture.UploaderRuns.Select(r => r.Combined)));
        Assert.Contains("SnapshotLoaded", logs, StringComparison.Ordinal); // the logs were captured

        foreach (var site in fixture.Sites)
        {
            await using var source = new NpgsqlConnection(site.SourceConnection);
            await source.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT no_cidadao, nu_cpf_cidadao, nu_cns, nu_telefone_celular FROM tb_fat_cidadao_pec ORDER BY co_seq_fat_cidadao_pec LIMIT 500", source);
            await using var reader = await command.ExecuteReaderAsync();
            var checkedValues = 0;
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < 4; i++)
                {
                    if (!reader.IsDBNull(i) && reader.GetString(i) is { Length: >= 8 } value)
                    {
                        Assert.DoesNotContain(value, logs, StringComparison.Ordinal);
                        checkedValues++;
                    }
                }
            }

            Assert.True(checkedValues > 1000);
        }
    }
}
