using System.Text.Json.Nodes;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests.Fleet;

/// <summary>
/// A site cut off from the backend keeps running; its heartbeats cannot leave. Until it is back the fleet view can only
/// say machine-off, but once it is back its first heartbeat carries the runs that could not report, so the operator
/// reads "two runs failed with network" and not a machine that was switched off. Real uploader, real backend.
/// </summary>
public sealed class UnreportedRunsTests
{
    [Fact]
    public async Task Runs_cut_off_from_the_backend_are_told_with_the_first_heartbeat_that_arrives()
    {
        await using var appInsights = FakeAppInsights.Start();
        await using var pipeline = await LocalPipeline.StartAsync(
            new LocalPipelineOptions { UploadMaxAttempts = 2, UploadFirstRetryDelaySeconds = 0.2 }.WithTelemetryTo(appInsights));
        var site = await pipeline.AddMunicipalityAsync("2611606", "Recife (teste)", 300, seed: 21);
        var config = JsonNode.Parse(await File.ReadAllTextAsync(site.ConfigPath))!.AsObject();
        var endpoint = config["endpoint"]!.GetValue<string>();

        // Nothing listens there: the municipality's link is down for two daily runs.
        config["endpoint"] = $"http://127.0.0.1:{FreePort.Next()}/";
        await File.WriteAllTextAsync(site.ConfigPath, config.ToJsonString());
        var before = DateTimeOffset.UtcNow;
        for (var run = 0; run < 2; run++)
        {
            var cut = await pipeline.RunUploaderAsync(site);
            Assert.True(cut.ExitCode == 3, $"exit {cut.ExitCode}, expected 3 (network)\n{cut.Combined}");
            Assert.Contains("heartbeat not delivered", cut.Combined, StringComparison.Ordinal);
        }

        config["endpoint"] = endpoint;
        await File.WriteAllTextAsync(site.ConfigPath, config.ToJsonString());
        var backAt = DateTimeOffset.UtcNow;
        var back = await pipeline.RunUploaderAsync(site);
        Assert.True(back.ExitCode == 0, $"exit {back.ExitCode}\n{back.Combined}");

        var fleet = JsonNode.Parse((await pipeline.FunctionsCommandAsync(["fleet", "--json"])).StandardOutput)!.AsArray()
            .Single(s => s!["ibge"]!.GetValue<string>() == site.Ibge)!;
        Assert.Equal(("green", 2, FailureCategories.Network), (fleet["status"]!.GetValue<string>(), fleet["unreportedRuns"]!.GetValue<int>(), fleet["unreportedCategory"]!.GetValue<string>()));
        var since = fleet["unreportedSince"]!.GetValue<DateTimeOffset>();
        Assert.InRange(since, before.AddSeconds(-1), backAt); // the first cut-off run, by the site's clock

        // The same in Application Insights, on the heartbeat event.
        await appInsights.WaitForAsync(
            a => a.Events("HeartbeatReceived").Any(h => h.GetValueOrDefault("site") == site.Ibge), TimeSpan.FromSeconds(45),
            "the site's HeartbeatReceived event at the ingestion endpoint");

        var beat = appInsights.Events("HeartbeatReceived").Last(h => h.GetValueOrDefault("site") == site.Ibge);
        Assert.Equal(("2", FailureCategories.Network), (beat["unreportedRuns"], beat["unreportedCategory"]));

        // Told once: the next run reports none.
        Assert.Equal(0, (await pipeline.RunUploaderAsync(site)).ExitCode);
        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT CASE jsonb_typeof(report->'unreportedRuns') WHEN 'array' THEN jsonb_array_length(report->'unreportedRuns') ELSE 0 END FROM ingest.heartbeats WHERE site_id = @site ORDER BY received_at", central);
        query.Parameters.AddWithValue("site", site.Ibge);
        var reports = new List<int>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                reports.Add(reader.GetInt32(0));
            }
        }

        Assert.Equal([2, 0], reports);
    }
}
