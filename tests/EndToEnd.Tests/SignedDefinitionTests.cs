using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>
/// Someone with write access to the central database (not the operator's signing key) changes a list's SQL: the real
/// uploader, which pinned the operator's key, refuses to run it, sends the other lists, and its heartbeat says so.
/// </summary>
public sealed class SignedDefinitionTests
{
    private const string TamperedSql = "SELECT 1 AS id_cidadao, 'adulterada' AS no_cidadao";

    [Fact]
    public async Task A_definition_tampered_in_the_central_database_is_refused_by_a_real_uploader_and_its_heartbeat_records_it()
    {
        // Two lists, so the test shows the untampered one still being sent.
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = ["diabeticos", "hipertensos"] });
        var site = await pipeline.AddMunicipalityAsync("3550308", "São Paulo (teste)", 300, seed: 4);
        await using var central = new NpgsqlConnection(pipeline.CentralConnection);
        await central.OpenAsync();
        await using (var tamper = new NpgsqlCommand("UPDATE ingest.list_definitions SET sql = @sql WHERE name = 'hipertensos' AND is_active", central))
        {
            tamper.Parameters.AddWithValue("sql", TamperedSql);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var otherLists = new List<string>();
        await using (var active = new NpgsqlCommand("SELECT name FROM ingest.list_definitions WHERE is_active AND name <> 'hipertensos'", central))
        await using (var reader = await active.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                otherLists.Add(reader.GetString(0));
            }
        }

        var run = await pipeline.RunUploaderAsync(site);

        Assert.True(run.ExitCode == 8, run.Combined); // ExitCodes.DefinitionSignature
        Assert.Contains("hipertensos v1 NOT RUN (definition-signature): its signature does not verify with the pinned key", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("adulterada", run.Combined, StringComparison.Ordinal);
        Assert.DoesNotContain("extracted hipertensos", run.StandardOutput, StringComparison.Ordinal);

        // Nothing of the tampered list reached the backend; every other list (the signed ones) was sent and loaded.
        Assert.Equal(["diabeticos"], otherLists);
        var snapshots = await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(3), otherLists.Count);
        Assert.DoesNotContain(snapshots, s => s.List == "hipertensos");
        Assert.Equal(otherLists.Order(StringComparer.Ordinal), snapshots.Select(s => s.List).Order(StringComparer.Ordinal));
        Assert.All(snapshots, s => Assert.Equal("loaded", s.Status));

        await using var heartbeat = new NpgsqlCommand(
            """
            SELECT report->>'errorCode', r->>'list', (r->>'version')::int, r->>'code', r->>'keyId'
              FROM ingest.heartbeats, jsonb_array_elements(report->'refusedDefinitions') r
             WHERE site_id = @site AND report->>'kind' = 'run'
            """, central);
        heartbeat.Parameters.AddWithValue("site", site.Ibge);
        await using var row = await heartbeat.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "the run's heartbeat carries no refused definition");
        Assert.Equal("definition-signature", row.GetString(0));
        Assert.Equal(("hipertensos", 1, "definition-signature"), (row.GetString(1), row.GetInt32(2), row.GetString(3)));
        Assert.Matches("^[0-9a-f]{16}$", row.GetString(4));
        Assert.Contains(row.GetString(4), run.StandardOutput, StringComparison.Ordinal);
        Assert.False(await row.ReadAsync());
    }
}
