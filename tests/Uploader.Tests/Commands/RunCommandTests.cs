using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Output;
using PecLists.Uploader.Spooling;
using LocalInfra;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

[Collection(PecDatabaseCollection.Name)]
public sealed class RunCommandTests(PecDatabaseFixture db) : IDisposable
{
    private const string Site = "2304400";
    private const string Token = "tok-2304400";

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private string SpoolRoot => _dir.Combine("spool");

    private UploaderConfig Config(Uri endpoint) => new()
    {
        Endpoint = endpoint.ToString(),
        Sites = [new SiteConfig { Ibge = Site, Token = Token }],
        Database = new DatabaseConfig { ConnectionString = db.ReadOnlyConnectionString, StatementTimeoutSeconds = 60 },
        SpoolDirectory = SpoolRoot,
        Upload = new UploadConfig { MaxAttempts = 2, FirstRetryDelaySeconds = 0.05, AttemptTimeoutSeconds = 10 },
        ListSigningKey = TestSigning.PublicKey,
    };

    /// <summary>The backend: GET /api/v1/lists answers the catalog, PUTs get <paramref name="put"/>.</summary>
    private static Func<HttpContext, ReceivedRequest, Task> Backend(ListCatalogDto catalog, Func<HttpContext, Task> put) => async (context, request) =>
    {
        if (request.Method == "GET" && request.Path == ApiRoutes.Lists)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(catalog, ContractsJsonContext.Default.ListCatalogDto));
        }
        else if (request.Method == "PUT" && request.Path.StartsWith("/api/v1/lists/", StringComparison.Ordinal))
        {
            await put(context);
        }
        else if (request.Method == "POST" && request.Path == "/api/v1/heartbeats")
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
        }
    };

    private static Task Accept(HttpContext context) => StubBackend.Status(context, StatusCodes.Status202Accepted);

    private static Task Unavailable(HttpContext context) => StubBackend.Status(context, StatusCodes.Status503ServiceUnavailable);

    private static async Task<(int ExitCode, string Log)> RunAsync(UploaderConfig config)
    {
        using var log = new StringWriter();
        var exitCode = await new RunCommand(config, log).ExecuteAsync(CancellationToken.None);
        return (exitCode, log.ToString());
    }

    private static Guid SnapshotIdOf(ReceivedRequest put) => Guid.ParseExact(put.Path.Split('/')[^1], "D");

    [Fact]
    public async Task An_unsent_snapshot_stays_spooled_while_the_backend_is_down_and_is_sent_first_when_it_is_back()
    {
        var catalog = PecDatabaseFixture.HipertensosCatalog();

        // Run 1: the catalog comes through, the upload does not: the extracted snapshot stays in the spool.
        Guid spooledId;
        byte[] spooledBytes;
        string spooledFile;
        await using (var failing = await StubBackend.StartAsync(Backend(catalog, Unavailable)))
        {
            var (exit, log) = await RunAsync(Config(failing.Endpoint));

            Assert.Equal(ExitCodes.Network, exit);
            var file = Assert.Single(_dir.Files());
            Assert.Matches($@"^spool/{Site}/hipertensos/[0-9a-f-]{{36}}\.csv\.gz$", file);
            spooledFile = _dir.Combine(file.Split('/'));
            spooledId = Guid.ParseExact(Path.GetFileName(file)[..36], "D");
            spooledBytes = await File.ReadAllBytesAsync(spooledFile);
            Assert.Equal(PecDatabaseFixture.HipertensosColumns(), Csv.Parse(Gzip.Decompress(spooledBytes))[0]);
            var puts = failing.Requests.Where(r => r.Method == "PUT").ToList();
            Assert.Equal(2, puts.Count);
            Assert.All(puts, p => Assert.Equal(spooledId, SnapshotIdOf(p)));
            Assert.Contains("kept in the spool", log, StringComparison.Ordinal);
            var failedHeartbeat = Assert.Single(failing.Requests, r => r.Path == "/api/v1/heartbeats");
            var failedReport = JsonSerializer.Deserialize(failedHeartbeat.Body, ContractsJsonContext.Default.HeartbeatDto)!;
            // The backend answered 503: reachable, but not taking snapshots (backend-error, not the site's network).
            Assert.Equal(("failed", "backend-error", 1, true), (failedReport.Outcome, failedReport.ErrorCode, failedReport.SpoolDepth, failedReport.DatabaseReachable));
        }

        // Run 2: nothing listens at all. The first snapshot is kept, untouched, and the day's extraction still happens
        // with the list definitions cached by run 1: it waits in the spool too.
        var downEndpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        await BackendClientTests.AssertNothingListensAsync(downEndpoint.Port);
        var (downExit, downLog) = await RunAsync(Config(downEndpoint));

        Assert.Equal(ExitCodes.Network, downExit);
        Assert.Contains("using the list definitions cached", downLog, StringComparison.Ordinal);
        Assert.Equal(2, _dir.Files().Count);
        Assert.Equal(spooledBytes, await File.ReadAllBytesAsync(spooledFile));
        var offline = new Spool(SpoolRoot).Pending(Site).Single(p => p.SnapshotId != spooledId);
        var offlineBytes = await File.ReadAllBytesAsync(offline.Path);

        // Run 3: the backend is back. Only the newest spooled snapshot of the list matters: the older one is dropped
        // (counted), the newest goes first, then a fresh extraction; the spool ends empty.
        spooledId = offline.SnapshotId;
        spooledBytes = offlineBytes;
        await using var healthy = await StubBackend.StartAsync(Backend(catalog, Accept));
        var (okExit, okLog) = await RunAsync(Config(healthy.Endpoint));

        Assert.Equal(ExitCodes.Ok, okExit);
        Assert.Empty(_dir.Files());
        var requests = healthy.Requests.Where(r => r.Path != "/api/v1/heartbeats").ToList();
        // The spooled snapshot is sent whole at once; the fresh one is first offered as unchanged (ADR 0024: a POST the
        // stub does not take), then sent whole in the same run.
        Assert.Equal(["PUT", "GET", "POST", "PUT"], requests.Select(r => r.Method));
        Assert.EndsWith("/unchanged", requests[2].Path, StringComparison.Ordinal);
        Assert.Contains(SnapshotIdOf(requests[3]).ToString("D"), requests[2].Path, StringComparison.Ordinal);
        var heartbeat = Assert.Single(healthy.Requests, r => r.Path == "/api/v1/heartbeats");
        var report = JsonSerializer.Deserialize(heartbeat.Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("run", "ok", 0, 1), (report.Kind, report.Outcome, report.SpoolDepth, report.SpoolDropped));
        Assert.Null(report.ErrorCode);
        Assert.Equal(spooledId, SnapshotIdOf(requests[0]));
        Assert.Equal(spooledBytes, requests[0].Body);
        Assert.Equal(SnapshotIds.Timestamp(spooledId), DateTimeOffset.Parse(requests[0].Header("X-Extracted-At")!, System.Globalization.CultureInfo.InvariantCulture));
        var freshId = SnapshotIdOf(requests[3]);
        Assert.NotEqual(spooledId, freshId);
        Assert.True(SnapshotIds.Timestamp(freshId) >= SnapshotIds.Timestamp(spooledId));
        Assert.Equal(Csv.Parse(Gzip.Decompress(spooledBytes)).Count, Csv.Parse(Gzip.Decompress(requests[3].Body)).Count);
        Assert.Contains("everything sent", okLog, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_backend_down_from_the_start_nothing_is_lost_and_leftover_partials_are_quarantined()
    {
        var leftover = _dir.Combine("spool", Site, "hipertensos", $"{SnapshotIds.New(DateTimeOffset.UtcNow.AddHours(-1)):D}.csv.gz.partial");
        Directory.CreateDirectory(Path.GetDirectoryName(leftover)!);
        await File.WriteAllTextAsync(leftover, "interrupted");
        var endpoint = new Uri($"http://127.0.0.1:{FreePort.Next()}/");
        await BackendClientTests.AssertNothingListensAsync(endpoint.Port);

        var (exit, log) = await RunAsync(Config(endpoint));

        Assert.Equal(ExitCodes.Network, exit);
        var file = Assert.Single(_dir.Files());
        Assert.StartsWith("spool/quarantine/", file, StringComparison.Ordinal);
        Assert.EndsWith(Path.GetFileName(leftover), file, StringComparison.Ordinal);
        Assert.Contains("moved 1 interrupted spool file(s)", log, StringComparison.Ordinal);
        Assert.Contains("unreachable", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_damaged_spooled_file_is_quarantined_counted_and_reported_and_older_ones_are_superseded()
    {
        var list = Path.Combine(SpoolRoot, Site, "hipertensos");
        Directory.CreateDirectory(list);
        var older = Path.Combine(list, $"{SnapshotIds.New(DateTimeOffset.UtcNow.AddDays(-2)):D}.csv.gz");
        var damaged = Path.Combine(list, $"{SnapshotIds.New(DateTimeOffset.UtcNow.AddDays(-1)):D}.csv.gz");
        await File.WriteAllBytesAsync(older, Gzip.Compress("old"));
        var good = Gzip.Compress(new string('x', 10_000));
        await File.WriteAllBytesAsync(damaged, good[..^6]); // cut short, as a crashed disk write would leave it
        await using var backend = await StubBackend.StartAsync(Backend(PecDatabaseFixture.HipertensosCatalog(), Accept));

        var (exit, log) = await RunAsync(Config(backend.Endpoint));

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.False(File.Exists(older)); // superseded by the newer spooled snapshot
        Assert.Single(Directory.GetFiles(Path.Combine(SpoolRoot, "quarantine")), f => f.EndsWith(Path.GetFileName(damaged), StringComparison.Ordinal));
        Assert.Contains("damaged", log, StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(2, report.SpoolDropped); // one superseded + one quarantined, reported, never silent
        Assert.Single(backend.Requests, r => r.Method == "PUT"); // only the fresh extraction was sent

        var (_, _) = await RunAsync(Config(backend.Endpoint));
        var second = JsonSerializer.Deserialize(backend.Requests.Last(r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(0, second.SpoolDropped); // counted once, then reset after the report got through
    }

    [Fact]
    public async Task A_rejected_snapshot_goes_to_quarantine_and_is_not_resent()
    {
        var catalog = PecDatabaseFixture.HipertensosCatalog();
        await using var backend = await StubBackend.StartAsync(Backend(catalog, c =>
            StubBackend.Problem(c, StatusCodes.Status400BadRequest, ProblemCodes.BadCsvHeader, "header does not match list v1")));

        var (exit, log) = await RunAsync(Config(backend.Endpoint));

        Assert.Equal(ExitCodes.Rejected, exit);
        Assert.Single(backend.Requests, r => r.Method == "PUT");
        var file = Assert.Single(_dir.Files());
        Assert.StartsWith("spool/quarantine/", file, StringComparison.Ordinal);
        Assert.Empty(new Spool(SpoolRoot).Pending(Site));
        Assert.Contains(ProblemCodes.BadCsvHeader, log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_list_that_fails_to_extract_leaves_no_file_and_the_others_are_still_sent()
    {
        var good = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var broken = TestSigning.Sign(good with { Name = "quebrada", Sql = "SELECT 1 AS a FROM tabela_que_nao_existe" });
        var catalog = new ListCatalogDto([broken, good]);
        await using var backend = await StubBackend.StartAsync(Backend(catalog, Accept));

        var (exit, log) = await RunAsync(Config(backend.Endpoint));

        Assert.Equal(ExitCodes.Database, exit);
        Assert.Empty(_dir.Files());
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.StartsWith("/api/v1/lists/hipertensos/snapshots/", put.Path, StringComparison.Ordinal);
        Assert.Contains("could not extract quebrada", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Definitions_not_signed_by_the_pinned_key_are_not_run_the_heartbeat_names_them_and_the_others_are_sent()
    {
        var good = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        // Changed after signing (as by someone with the central database): were it run, it would fail to extract.
        var tampered = TestSigning.Sign(good with { Name = "gestantes" }) with { Sql = "SELECT 1 AS a FROM tabela_que_nao_existe" };
        var unsigned = good with { Name = "diabeticos", Version = 2, Signature = null, SignedAt = null, SignatureV2 = null, Sql = "SELECT 1 AS a FROM outra_tabela_que_nao_existe" };
        await using var backend = await StubBackend.StartAsync(Backend(new ListCatalogDto([tampered, good, unsigned]), Accept));

        var (exit, log) = await RunAsync(Config(backend.Endpoint));

        Assert.Equal(ExitCodes.DefinitionSignature, exit);
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.StartsWith("/api/v1/lists/hipertensos/snapshots/", put.Path, StringComparison.Ordinal);
        Assert.DoesNotContain("could not extract", log, StringComparison.Ordinal);
        Assert.Contains($"gestantes v1 NOT RUN (definition-signature): its signature does not verify with the pinned key {TestSigning.KeyId}", log, StringComparison.Ordinal);
        Assert.Contains($"diabeticos v2 NOT RUN (definition-signature): the backend serves it unsigned", log, StringComparison.Ordinal);
        Assert.DoesNotContain("tabela_que_nao_existe", log, StringComparison.Ordinal);

        var heartbeat = Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats");
        var report = JsonSerializer.Deserialize(heartbeat.Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("failed", DefinitionCodes.Signature, 0), (report.Outcome, report.ErrorCode, report.SpoolDepth));
        Assert.Equal(
            [new RefusedDefinition("gestantes", 1, DefinitionCodes.BadSignature, TestSigning.KeyId), new RefusedDefinition("diabeticos", 2, DefinitionCodes.NotSigned, TestSigning.KeyId)],
            report.RefusedDefinitions!);
        Assert.DoesNotContain("tabela_que_nao_existe", System.Text.Encoding.UTF8.GetString(heartbeat.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_definition_that_is_more_than_one_statement_is_not_run_and_writes_nothing_even_as_a_role_that_may_write()
    {
        var scratch = await WritableScratch.CreateAsync(db.SuperuserConnectionString);
        await scratch.AssertItMayWriteAsync(db.SuperuserConnectionString);
        var good = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var injected = TestSigning.Sign(good with { Name = "gestantes", Sql = scratch.Injection }); // signed: only the one-statement rule stops it
        await using var backend = await StubBackend.StartAsync(Backend(new ListCatalogDto([injected, good]), Accept));
        var config = Config(backend.Endpoint);
        config.Database.ConnectionString = scratch.ConnectionString(db.SuperuserConnectionString);

        var (exit, log) = await RunAsync(config);

        Assert.Equal(0, await scratch.RowsAsync(db.SuperuserConnectionString));
        Assert.Equal(ExitCodes.DefinitionSignature, exit);
        Assert.Contains("gestantes v1 NOT RUN (definition-not-one-statement): its SQL is more than one statement", log, StringComparison.Ordinal);
        Assert.DoesNotContain(scratch.Table, log, StringComparison.Ordinal);
        var put = Assert.Single(backend.Requests, r => r.Method == "PUT");
        Assert.StartsWith("/api/v1/lists/hipertensos/snapshots/", put.Path, StringComparison.Ordinal);
        var heartbeat = Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats");
        var report = JsonSerializer.Deserialize(heartbeat.Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("failed", DefinitionCodes.Signature), (report.Outcome, report.ErrorCode));
        Assert.Equal([new RefusedDefinition("gestantes", 1, DefinitionCodes.NotOneStatement, TestSigning.KeyId)], report.RefusedDefinitions!);
        Assert.DoesNotContain(scratch.Table, System.Text.Encoding.UTF8.GetString(heartbeat.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_pinned_key_nothing_runs()
    {
        await using var backend = await StubBackend.StartAsync(Backend(PecDatabaseFixture.HipertensosCatalog(), Accept));
        var config = Config(backend.Endpoint);
        config.ListSigningKey = null;

        var (exit, log) = await RunAsync(config);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Empty(backend.Requests);
        Assert.Contains("listSigningKey", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_token_exits_with_Token()
    {
        await using var backend = await StubBackend.StartAsync((c, _) => StubBackend.Status(c, StatusCodes.Status401Unauthorized));

        var (exit, _) = await RunAsync(Config(backend.Endpoint));

        Assert.Equal(ExitCodes.Token, exit);
        Assert.Empty(_dir.Files());
    }

    [Fact]
    public async Task At_a_terminal_in_portuguese_a_run_shows_progress_and_logs_rows_in_portuguese()
    {
        using var _ = Localized.Use(Language.Portuguese);
        var catalog = PecDatabaseFixture.HipertensosCatalog();
        await using var backend = await StubBackend.StartAsync(Backend(catalog, Accept));
        using var log = new StringWriter();
        using var terminal = new StringWriter();

        var exit = await new RunCommand(Config(backend.Endpoint), log, new TerminalProgress(terminal)).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Ok, exit);
        var rows = await db.ScalarAsync<long>($"SELECT count(*) FROM (\n{PecDatabaseFixture.HipertensosSql}\n) q");
        var expectedRows = rows.ToString("N0", Localized.Culture);
        Assert.Contains($"hipertensos v1 extraída: {expectedRows} linhas", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("aceito", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("execução concluída: tudo enviado", log.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("site ", log.ToString(), StringComparison.Ordinal);

        // The status line was drawn during extraction and erased before the next log line.
        Assert.Matches(@"\rhipertensos: [\d.]+ linhas · [\d,]+ MB lidos", terminal.ToString());
        Assert.Matches(@"\rhipertensos: enviando [\d,]+ MB de [\d,]+ MB \(\d+ %\)", terminal.ToString());
        Assert.EndsWith("\r", terminal.ToString(), StringComparison.Ordinal);
        Assert.True(terminal.ToString().TrimEnd('\r').EndsWith(' '), "the last write blanks the line");
    }

    [Fact]
    public async Task A_second_run_while_one_is_in_progress_does_nothing_and_leaves_its_file_alone()
    {
        await using var backend = await StubBackend.StartAsync(Backend(PecDatabaseFixture.HipertensosCatalog(), Accept));
        var inProgress = Path.Combine(SpoolRoot, Site, "hipertensos", $"{SnapshotIds.New(DateTimeOffset.UtcNow):D}.csv.gz.partial");
        Directory.CreateDirectory(Path.GetDirectoryName(inProgress)!);
        await File.WriteAllTextAsync(inProgress, "being written by the running extraction");

        (int Exit, string Log) second;
        using (var first = RunLock.TryAcquire(SpoolRoot))
        {
            Assert.NotNull(first);
            second = await RunAsync(Config(backend.Endpoint));
        }

        Assert.Equal(ExitCodes.Busy, second.Exit);
        Assert.Contains("another run is already in progress", second.Log, StringComparison.Ordinal);
        Assert.True(File.Exists(inProgress), "the running extraction's file was moved");
        Assert.Empty(backend.Requests);

        // Once the first run is over, the lock is free again and a run does its work (and quarantines the leftover).
        var after = await RunAsync(Config(backend.Endpoint));
        Assert.Equal(ExitCodes.Ok, after.ExitCode);
        Assert.False(File.Exists(inProgress));
    }
}
