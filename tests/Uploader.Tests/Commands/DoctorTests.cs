using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Diagnostics;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;
using LocalInfra;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>doctor against a real PEC-shaped PostgreSQL and a real HTTP backend stub.</summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class DoctorTests(PecDatabaseFixture db) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private UploaderConfig Config(Uri endpoint, string? connection = null) => new()
    {
        Endpoint = endpoint.ToString(),
        Sites = [new SiteConfig { Ibge = "2304400", Token = "pec_doctor" }],
        Database = new DatabaseConfig { ConnectionString = connection ?? db.ReadOnlyConnectionString },
        SpoolDirectory = _dir.Combine("spool"),
        ListSigningKey = TestSigning.PublicKey,
    };

    private static Task<StubBackend> Backend(bool tokenAccepted = true) =>
        StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog(), _ => tokenAccepted);

    private static string Registered => $"7 3 * * * /usr/local/bin/uploader run --config /etc/pec-uploader/config.json {ScheduleDefinitions.CronMarker}\n";

    [Fact]
    public async Task A_healthy_install_passes_every_check_and_reports_it()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        Assert.DoesNotContain(checks, c => c.Outcome == DoctorOutcome.Fail);
        Assert.Contains(checks, c => c is { Name: "list-tables", Outcome: DoctorOutcome.Pass });
        Assert.Contains(checks, c => c is { Name: "list-signatures", Outcome: DoctorOutcome.Pass });
        Assert.Contains(checks, c => c is { Name: "clock", Outcome: DoctorOutcome.Pass });
        Assert.Contains(checks, c => c is { Name: "database-rights", Outcome: DoctorOutcome.Pass });
        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("doctor", "ok"), (report.Kind, report.Outcome));
        Assert.Contains(report.Checks!, c => c is { Name: "database", Ok: true });
    }

    [Fact]
    public async Task A_definition_not_signed_by_the_pinned_key_fails_with_a_fix_is_not_explained_and_is_reported()
    {
        var good = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var tampered = good with { Name = "gestantes", Sql = "SELECT 1 AS a FROM tabela_que_nao_existe" };
        await using var backend = await StubBackend.ForSite(new ListCatalogDto([good, tampered]), _ => true);
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.DefinitionSignature, exit);
        var check = Assert.Single(checks, c => c.Name == "list-signatures");
        Assert.Equal((DoctorOutcome.Fail, DefinitionCodes.Signature), (check.Outcome, check.Code));
        Assert.Contains("gestantes v1", check.Detail, StringComparison.Ordinal);
        Assert.Contains("tell the operator", check.Fix, StringComparison.Ordinal);
        Assert.Contains("--list-signing-key only if the operator changed keys", check.Fix, StringComparison.Ordinal);
        // Only the verified list's SQL reached the database (EXPLAIN); the tampered one was never sent there.
        Assert.Single(checks, c => c.Name == "list-tables");
        Assert.DoesNotContain("tabela_que_nao_existe", output.ToString(), StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(DefinitionCodes.Signature, report.ErrorCode);
        Assert.Equal([new RefusedDefinition("gestantes", 1, DefinitionCodes.BadSignature, TestSigning.KeyId)], report.RefusedDefinitions!);
    }

    [Fact]
    public async Task A_definition_asking_for_a_mask_this_uploader_does_not_know_fails_list_signatures_as_unsupported_and_is_reported()
    {
        var plain = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var unsupported = TestSigning.SignAllAt(
            plain with { Name = "gestantes", Columns = [.. plain.Columns.Select(c => c.Name == "nu_cpf" ? c with { Mask = new ColumnMaskDto("encrypt") } : c)] },
            DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var backend = await StubBackend.ForSite(new ListCatalogDto([plain, unsupported]), _ => true);
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.DefinitionSignature, exit);
        var check = Assert.Single(checks, c => c.Name == "list-signatures");
        Assert.Contains($"gestantes v1 ({DefinitionCodes.Unsupported})", check.Detail, StringComparison.Ordinal);
        Assert.Contains("updating the uploader fixes definition-unsupported", check.Fix, StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal([new RefusedDefinition("gestantes", 1, DefinitionCodes.Unsupported, TestSigning.KeyId)], report.RefusedDefinitions!);
    }

    [Fact]
    public async Task A_list_that_hashes_fails_the_masking_key_check_without_a_key_and_passes_with_one_never_printing_it()
    {
        var plain = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var masked = TestSigning.SignAllAt(
            plain with { Columns = [.. plain.Columns.Select(c => c.Name == "nu_cpf" ? c with { Mask = new ColumnMaskDto(MaskKinds.Hash) } : c)] },
            DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var backend = await StubBackend.ForSite(new ListCatalogDto([masked]), _ => true);
        var key = Convert.ToBase64String(new byte[32].Select((_, i) => (byte)(i * 7)).ToArray());

        using (var output = new StringWriter())
        {
            var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

            Assert.Equal(ExitCodes.Config, exit);
            var check = Assert.Single(checks, c => c.Name == "masking-key");
            Assert.Equal((DoctorOutcome.Fail, FailureCategories.Config), (check.Outcome, check.Category));
            Assert.Contains("hipertensos", check.Detail, StringComparison.Ordinal);
            Assert.Contains("\"maskingKey\"", check.Fix, StringComparison.Ordinal);
        }

        using (var output = new StringWriter())
        {
            var config = Config(backend.Endpoint);
            config.MaskingKey = new MaskingKeySetting { Id = "2026a", Key = key };

            var (exit, checks) = await new DoctorCommand(config, output, () => Registered).ExecuteAsync(CancellationToken.None);

            Assert.True(exit == ExitCodes.Ok, output.ToString());
            Assert.Contains(checks, c => c is { Name: "masking-key", Outcome: DoctorOutcome.Pass });
            Assert.Contains("2026a", output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(key, output.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(key, string.Concat(backend.Requests.Select(r => System.Text.Encoding.UTF8.GetString(r.Body))), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_database_that_is_down_is_named_with_a_fix_and_a_database_exit_code()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();
        var down = $"Host=127.0.0.1;Port={FreePort.Next()};Database=esus;Username=esus_leitura;Password=x";

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint, down), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Database, exit);
        var database = Assert.Single(checks, c => c.Name == "database");
        Assert.Equal((DoctorOutcome.Fail, "database-down"), (database.Outcome, database.Code));
        Assert.Contains("[FAIL] database", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("fix: Is the PEC database running?", output.ToString(), StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("failed", FailureCategories.SourceDatabase, false), (report.Outcome, report.ErrorCode, report.DatabaseReachable));
        Assert.Contains(report.Checks!, c => c is { Name: "database", Ok: false, Code: "database-down" }); // the finer code stays on the check
    }

    [Fact]
    public async Task In_Portuguese_a_database_that_is_down_gets_a_Portuguese_detail_and_fix_in_aligned_columns_and_the_same_exit_code()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();
        var down = $"Host=127.0.0.1;Port={FreePort.Next()};Database=esus;Username=esus_leitura;Password=x";

        int exit;
        IReadOnlyList<DoctorCheck> checks;
        using (Localized.Use(Language.Portuguese))
        {
            (exit, checks) = await new DoctorCommand(Config(backend.Endpoint, down), output, () => Registered).ExecuteAsync(CancellationToken.None);
        }

        var text = output.ToString();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(ExitCodes.Database, exit);
        var database = Assert.Single(checks, c => c.Name == "database");
        Assert.Equal((DoctorOutcome.Fail, "database-down"), (database.Outcome, database.Code)); // names and codes stay English
        Assert.StartsWith("não foi possível conectar ao PostgreSQL em 127.0.0.1:", database.Detail, StringComparison.Ordinal);
        Assert.Contains("[FALHA] database         não foi possível conectar ao PostgreSQL", text, StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("        como resolver: O banco de dados do PEC está em execução?", StringComparison.Ordinal));
        Assert.Contains("doctor: 1 problema(s) a resolver", text, StringComparison.Ordinal);
        Assert.DoesNotContain("fix:", text, StringComparison.Ordinal);
        Assert.DoesNotContain("[FAIL]", text, StringComparison.Ordinal);

        // Every mark is as wide as "[FALHA]", so the names and details line up whatever the outcome.
        var checkLines = lines.Where(l => l.StartsWith('[')).ToList();
        Assert.Equal(checks.Count, checkLines.Count);
        Assert.All(checkLines, l => Assert.Equal("[FALHA]".Length - 1, l.IndexOf(']', StringComparison.Ordinal)));
        Assert.Contains(checkLines, l => l.StartsWith("[ok   ] ", StringComparison.Ordinal));

        var report = JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;
        Assert.Equal(("failed", FailureCategories.SourceDatabase), (report.Outcome, report.ErrorCode)); // the backend reads codes, never prose
    }

    [Fact]
    public async Task A_refused_token_and_a_missing_schedule_are_failures_and_a_superuser_is_flagged()
    {
        await using var backend = await Backend(tokenAccepted: false);
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint, db.SuperuserConnectionString), output, () => string.Empty).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Token, exit);
        Assert.Equal(DoctorOutcome.Fail, Assert.Single(checks, c => c.Name == "token").Outcome);
        Assert.Equal(DoctorOutcome.Fail, Assert.Single(checks, c => c.Name == "schedule").Outcome);
        Assert.Equal((DoctorOutcome.Warn, "superuser"), (Assert.Single(checks, c => c.Name == "database-rights").Outcome, checks.Single(c => c.Name == "database-rights").Code));
    }

    [Fact]
    public async Task A_backend_reporting_a_dependency_down_is_a_warning_naming_it()
    {
        await using var backend = await StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog(), _ => true,
            """{"status":"degraded","checks":{"database":"down: cannot connect (ConnectionRefused)","storage":"ok"}}""");
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString()); // reachable: a warning, not a failure
        Assert.Contains(checks, c => c is { Name: "backend", Outcome: DoctorOutcome.Pass });
        var degraded = Assert.Single(checks, c => c.Name == "backend-health");
        Assert.Equal((DoctorOutcome.Warn, "backend-degraded"), (degraded.Outcome, degraded.Code));
        Assert.Contains("database: down: cannot connect (ConnectionRefused)", degraded.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("storage", degraded.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_backend_is_a_network_failure()
    {
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(new Uri($"http://127.0.0.1:{FreePort.Next()}/")), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Network, exit);
        Assert.Equal(("backend", DoctorOutcome.Fail), (checks.First(c => c.Outcome == DoctorOutcome.Fail).Name, DoctorOutcome.Fail));
    }

    [Theory]
    [InlineData(WatchServiceState.NotInstalled, WatchServiceKind.None, DoctorOutcome.Fail, "uploader install")]
    [InlineData(WatchServiceState.Stopped, WatchServiceKind.Systemd, DoctorOutcome.Fail, "systemctl start pec-uploader-watch")]
    [InlineData(WatchServiceState.Stopped, WatchServiceKind.Cron, DoctorOutcome.Fail, "nohup uploader watch --config")]
    [InlineData(WatchServiceState.Running, WatchServiceKind.Systemd, DoctorOutcome.Pass, null)]
    public async Task A_list_polled_every_few_minutes_gets_a_watch_service_check_that_fails_unless_the_service_runs(
        WatchServiceState state, WatchServiceKind kind, DoctorOutcome expected, string? fix)
    {
        var plain = PecDatabaseFixture.HipertensosCatalog().Lists[0];
        var everyFiveMinutes = TestSigning.SignAllAt(plain with { Schedule = new ScheduleDto(5) }, DateTimeOffset.UtcNow.AddMinutes(-1));
        await using var backend = await StubBackend.ForSite(new ListCatalogDto([everyFiveMinutes]), _ => true);
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered, () => new WatchServiceStatus(state, kind)).ExecuteAsync(CancellationToken.None);

        var check = Assert.Single(checks, c => c.Name == "watch-service");
        Assert.Equal(expected, check.Outcome);
        Assert.Contains("hipertensos", check.Detail, StringComparison.Ordinal);
        Assert.Equal(expected == DoctorOutcome.Pass ? ExitCodes.Ok : ExitCodes.Config, exit);
        if (fix is not null)
        {
            Assert.Contains(fix, check.Fix, StringComparison.Ordinal);
            Assert.Contains("[FAIL] watch-service", output.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Without_a_list_on_a_schedule_the_watch_service_is_not_checked_even_when_absent()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered, () => WatchServiceStatus.NotInstalled).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        Assert.DoesNotContain(checks, c => c.Name == "watch-service");
    }
}
