using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LocalInfra;
using Npgsql;
using PecLists.Contracts;

namespace EndToEnd.Tests.Fleet;

/// <summary>
/// Issue 13's acceptance: each failure category is injected at its own site, for real (a relay that drops uploads, a
/// revoked token, a database that is down or lacks the list's tables, a table held locked past the statement timeout, a
/// damaged spooled snapshot, a disk below its floor, a clock two hours behind, a machine that stopped reporting). After
/// one uploader run per site the fleet view (the admin API, from PostgreSQL) shows that category for that site, and
/// the telemetry that reached a stand-in for Application Insights carries the same category and no personal data.
/// </summary>
public sealed class FailureCategoryTests
{
    private const string List = "hipertensos";

    private static readonly string LibFaketime = $"/usr/lib/{(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "aarch64" : "x86_64")}-linux-gnu/faketime/libfaketimeMT.so.1";

    // The thread-safe build: the plain libfaketime.so.1 caches its parsed offset in unsynchronised statics (its README,
    // "libfaketime supports the pthreads environment"), and .NET reads the clock from many threads.
    // FAKETIME_FORCE_MONOTONIC_FIX=0: libfaketime 0.9.10 turns its pthread_cond_timedwait "monotonic fix" on by itself
    // for the glibc it finds, and its README warns the fix makes timed waits "return with a time-out too early or too
    // late". Measured here (Debian 12, glibc 2.36, 16 threads of Monitor.Wait/ManualResetEventSlim.Wait(100 ms)): with
    // the fix on, 640 of 640 waits returned at once; with it off, 0 of 640 returned before 96% of their timeout. The
    // early waits made this site's extraction fail now and then as "database unreachable (TimeoutException: Timeout
    // during reading attempt)" (two CI runs); the site's clock, the thing under test, is two hours behind either way.
    private static readonly Dictionary<string, string?> ClockTwoHoursBehind = new()
    {
        ["LD_PRELOAD"] = LibFaketime, ["FAKETIME"] = "-2h", ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1", ["FAKETIME_FORCE_MONOTONIC_FIX"] = "0",
    };

    [Fact]
    public async Task Each_injected_failure_shows_as_its_category_in_the_fleet_view_and_in_telemetry()
    {
        await using var appInsights = FakeAppInsights.Start();
        await using var pipeline = await LocalPipeline.StartAsync(
            new LocalPipelineOptions { UploadMaxAttempts = 2, UploadFirstRetryDelaySeconds = 0.2 }.WithTelemetryTo(appInsights));
        var source = await pipeline.AddMunicipalityAsync("3550308", "São Paulo (teste)", 1_500, seed: 13);
        var adminToken = (await pipeline.FunctionsCommandAsync(["admin", "issue-token", "--name", "fleet-test"])).StandardOutput.Trim();
        using var admin = new HttpClient { BaseAddress = pipeline.Endpoint };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        var work = Directory.CreateTempSubdirectory("fleet-categories-").FullName;
        var backendPort = pipeline.Endpoint.Port;
        await using var droppingLink = new CuttingRelay(backendPort, cutAfterBytes: 4096);
        await using var droppingProxy = new CuttingRelay(backendPort, cutAfterBytes: 4096);

        // Every other site reads the same PEC database through its own registration, token, config and spool.
        async Task<(string Ibge, string Config, string Spool, Guid TokenId)> SiteAsync(string ibge, string name, Action<JsonObject>? change = null)
        {
            // With a Content-Length: the Functions host forwards no body of a chunked request.
            using var created = await admin.PostAsync(ApiRoutes.AdminSites, new StringContent(JsonSerializer.Serialize(new { ibge, name }), Encoding.UTF8, "application/json"));
            Assert.True(created.IsSuccessStatusCode, $"{created.StatusCode} {await created.Content.ReadAsStringAsync()}\n{pipeline.FunctionsLog[^Math.Min(4000, pipeline.FunctionsLog.Length)..]}");
            using var issued = await admin.PostAsync(ApiRoutes.AdminSites + $"/{ibge}/tokens", new ByteArrayContent([]));
            Assert.True(issued.IsSuccessStatusCode, $"{issued.StatusCode} {await issued.Content.ReadAsStringAsync()}");
            using var token = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
            var config = JsonNode.Parse(await File.ReadAllTextAsync(source.ConfigPath))!.AsObject();
            config["sites"] = new JsonArray(new JsonObject { ["ibge"] = ibge, ["token"] = token.RootElement.GetProperty("token").GetString() });
            var directory = Path.Combine(work, ibge);
            config["spoolDirectory"] = Path.Combine(directory, "spool");
            config["logDirectory"] = Path.Combine(directory, "logs");
            change?.Invoke(config);
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "config.json");
            await File.WriteAllTextAsync(path, config.ToJsonString());
            return (ibge, path, Path.Combine(directory, "spool"), token.RootElement.GetProperty("tokenId").GetGuid());
        }

        Task<ProcessResult> RunAsync(string config, IDictionary<string, string?>? extra = null) => ProcessRunner.RunAsync(
            "dotnet", [RepoPaths.UploaderDll, "run", "--config", config],
            environment: new Dictionary<string, string?>(UploaderLocale.Environment(UploaderLocale.English).Concat(extra ?? new Dictionary<string, string?>())),
            timeout: TimeSpan.FromMinutes(3));

        var expected = new Dictionary<string, (string? Category, string Status, int ExitCode)>();
        var outputs = new Dictionary<string, ProcessResult>();
        async Task ExpectAsync(string ibge, string? category, string status, int exitCode, Task<ProcessResult> run)
        {
            outputs[ibge] = await run;
            expected[ibge] = (category, status, exitCode);
        }

        await ExpectAsync(source.Ibge, null, "green", 0, pipeline.RunUploaderAsync(source));

        var network = await SiteAsync("3304557", "Rio de Janeiro (teste)", c => c["endpoint"] = $"http://127.0.0.1:{droppingLink.Port}/");
        await ExpectAsync(network.Ibge, FailureCategories.Network, "red", 3, RunAsync(network.Config));

        var proxy = await SiteAsync("5300108", "Brasília (teste)", c => c["upload"]!["proxy"] = $"http://127.0.0.1:{droppingProxy.Port}");
        await ExpectAsync(proxy.Ibge, FailureCategories.TlsProxy, "red", 3, RunAsync(proxy.Config));

        var token = await SiteAsync("2927408", "Salvador (teste)");
        (await admin.DeleteAsync($"{ApiRoutes.Admin}/tokens/{token.TokenId:D}")).EnsureSuccessStatusCode();
        await ExpectAsync(token.Ibge, FailureCategories.Token, "red", 5, RunAsync(token.Config));

        var databaseDown = await SiteAsync("1302603", "Manaus (teste)",
            c => c["database"]!["connectionString"] = new NpgsqlConnectionStringBuilder(source.SourceConnection) { Port = FreePort.Next(), Timeout = 3 }.ConnectionString);
        await ExpectAsync(databaseDown.Ibge, FailureCategories.SourceDatabase, "red", 4, RunAsync(databaseDown.Config));

        await pipeline.Municipal.CreateDatabaseAsync("esus_vazio");
        var schema = await SiteAsync("4106902", "Curitiba (teste)",
            c => c["database"]!["connectionString"] = new NpgsqlConnectionStringBuilder(source.SourceConnection) { Database = "esus_vazio" }.ConnectionString);
        await ExpectAsync(schema.Ibge, FailureCategories.SourceSchema, "red", 4, RunAsync(schema.Config));

        var timeout = await SiteAsync("4314902", "Porto Alegre (teste)", c => c["database"]!["statementTimeoutSeconds"] = 1);
        await using (var locker = new NpgsqlConnection(pipeline.Municipal.ConnectionString(source.Database)))
        {
            // Someone holds the table the list reads (a PEC update, a long maintenance): the query waits past its timeout.
            await locker.OpenAsync();
            await using var hold = await locker.BeginTransactionAsync();
            await using (var lockTable = new NpgsqlCommand("LOCK TABLE tb_fat_cidadao_pec IN ACCESS EXCLUSIVE MODE", locker, hold))
            {
                await lockTable.ExecuteNonQueryAsync();
            }

            await ExpectAsync(timeout.Ibge, FailureCategories.ExtractTimeout, "red", 4, RunAsync(timeout.Config));
        }

        var rejected = await SiteAsync("1501402", "Belém (teste)");
        var damagedAt = DateTimeOffset.UtcNow.AddHours(-30);
        var damaged = Path.Combine(rejected.Spool, rejected.Ibge, List, $"{SnapshotIds.New(damagedAt):D}.csv.gz");
        Directory.CreateDirectory(Path.GetDirectoryName(damaged)!);
        await using (var file = File.Create(damaged))
        await using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
        {
            // A complete gzip whose CSV is not this list's: intact on disk, refused by the backend for its content.
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("id,nome\n1,sem cabeçalho certo\n"));
        }

        await ExpectAsync(rejected.Ibge, FailureCategories.SnapshotRejected, "red", 6, RunAsync(rejected.Config));

        var disk = await SiteAsync("5208707", "Goiânia (teste)", c => c["spoolMinFreeBytes"] = 1L << 50);
        await ExpectAsync(disk.Ibge, FailureCategories.DiskFull, "red", 9, RunAsync(disk.Config));

        Assert.True(File.Exists(LibFaketime), $"{LibFaketime} is missing: scripts/install-deps.sh installs the 'faketime' package");
        var clock = await SiteAsync("2111300", "São Luís (teste)");
        await ExpectAsync(clock.Ibge, FailureCategories.ClockSkew, "amber", 0, RunAsync(clock.Config, ClockTwoHoursBehind));

        // The machine ran once, then nothing came for longer than a day plus the grace: the dead-man's switch.
        var off = await SiteAsync("2704302", "Maceió (teste)");
        await ExpectAsync(off.Ibge, FailureCategories.MachineOff, "red", 0, RunAsync(off.Config));
        await using (var central = new NpgsqlConnection(pipeline.CentralConnection))
        {
            await central.OpenAsync();
            await using var age = new NpgsqlCommand("UPDATE ingest.heartbeats SET received_at = received_at - interval '31 hours' WHERE site_id = @site", central);
            age.Parameters.AddWithValue("site", off.Ibge);
            Assert.Equal(1, await age.ExecuteNonQueryAsync());
        }

        foreach (var (ibge, want) in expected)
        {
            Assert.True(outputs[ibge].ExitCode == want.ExitCode, $"site {ibge}: exit {outputs[ibge].ExitCode}, expected {want.ExitCode}\n{outputs[ibge].Combined}");
        }

        // The closed port is named as what it is, so an operator can tell a refused connection from a timeout.
        Assert.Contains("database unreachable (SocketException: Connection refused", outputs[databaseDown.Ibge].Combined, StringComparison.Ordinal);

        var fleet = (await admin.GetFromJsonAsync<JsonArray>(ApiRoutes.AdminFleet))!
            .ToDictionary(s => s!["ibge"]!.GetValue<string>(), s => (Category: s!["category"]?.GetValue<string>(), Status: s["status"]!.GetValue<string>()));
        Assert.All(expected, e => Assert.True(
            fleet[e.Key] == (e.Value.Category, e.Value.Status),
            $"site {e.Key}: fleet shows {fleet[e.Key]}, expected ({e.Value.Category}, {e.Value.Status})\n{outputs[e.Key].Combined}"));

        // Telemetry: each reporting site's heartbeat event names the same category (machine-off is an absence, computed by
        // the workbook and the alert from the last HeartbeatReceived); the revoked token's refusal is its own event.
        var reporting = expected.Where(e => e.Value.Category is not (FailureCategories.Token or FailureCategories.MachineOff)).ToList();
        await appInsights.WaitForAsync(
            a => reporting.All(e => a.Events("HeartbeatReceived").Any(h => h.GetValueOrDefault("site") == e.Key))
                 && a.Events("TokenRefused").Any(t => t.GetValueOrDefault("site") == token.Ibge),
            TimeSpan.FromSeconds(45),
            "every reporting site's HeartbeatReceived and the revoked token's TokenRefused at the ingestion endpoint");

        Assert.All(reporting, e => Assert.Equal(
            e.Value.Category ?? "none",
            appInsights.Events("HeartbeatReceived").Last(h => h.GetValueOrDefault("site") == e.Key)["category"]));
        Assert.Equal(FailureCategories.Token, appInsights.Events("TokenRefused").First(t => t.GetValueOrDefault("site") == token.Ibge)["category"]);
        Assert.Contains(appInsights.Events("SnapshotRejected"), r => r.GetValueOrDefault("site") == rejected.Ibge);

        // Nothing personal left the process: no name, CPF or CNS of the municipality's people is in any envelope.
        var sent = appInsights.AllText;
        Assert.NotEmpty(sent);
        await using var pec = new NpgsqlConnection(pipeline.Municipal.ConnectionString(source.Database));
        await pec.OpenAsync();
        await using var people = new NpgsqlCommand("SELECT no_cidadao, nu_cpf_cidadao, nu_cns FROM tb_fat_cidadao_pec WHERE no_cidadao IS NOT NULL LIMIT 200", pec);
        await using var reader = await people.ExecuteReaderAsync();
        var checkedValues = 0;
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < 3; i++)
            {
                if (!reader.IsDBNull(i) && reader.GetString(i) is { Length: >= 6 } value)
                {
                    Assert.False(sent.Contains(value, StringComparison.Ordinal), $"personal data (column {i}) reached telemetry");
                    checkedValues++;
                }
            }
        }

        Assert.True(checkedValues > 100, $"only {checkedValues} personal values to look for");
    }

}
