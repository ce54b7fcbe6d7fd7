using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Config;
using PecLists.Uploader.Diagnostics;
using PecLists.Uploader.Scheduling;
using LocalInfra;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>doctor fails where run would stop (the same disk floor and clock skew) and reports failure categories, as run does.</summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class DoctorLimitsTests(PecDatabaseFixture db) : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Registered => $"7 3 * * * /usr/local/bin/uploader run --config /etc/pec-uploader/config.json {ScheduleDefinitions.CronMarker}\n";

    private UploaderConfig Config(Uri endpoint, string? connection = null, long? minFreeBytes = null) => new()
    {
        Endpoint = endpoint.ToString(),
        Sites = [new SiteConfig { Ibge = "2304400", Token = "pec_doctor" }],
        Database = new DatabaseConfig { ConnectionString = connection ?? db.ReadOnlyConnectionString },
        SpoolDirectory = _dir.Combine("spool"),
        ListSigningKey = TestSigning.PublicKey,
        SpoolMinFreeBytes = minFreeBytes ?? new UploaderConfig().SpoolMinFreeBytes,
    };

    private static HeartbeatDto Heartbeat(StubBackend backend) =>
        JsonSerializer.Deserialize(Assert.Single(backend.Requests, r => r.Path == "/api/v1/heartbeats").Body, ContractsJsonContext.Default.HeartbeatDto)!;

    [Fact]
    public void The_disk_check_fails_exactly_below_spoolMinFreeBytes_as_disk_full()
    {
        const long Floor = 512L << 20;

        Assert.Equal(DoctorOutcome.Pass, SpoolDiskCheck.For(Floor, Floor, "/spool").Outcome);
        var below = SpoolDiskCheck.For(Floor - 1, Floor, "/spool");
        Assert.Equal((DoctorOutcome.Fail, FailureCategories.DiskFull), (below.Outcome, below.Category));
        Assert.Contains("below spoolMinFreeBytes (512 MB)", below.Detail, StringComparison.Ordinal);
        Assert.Equal(DoctorOutcome.Pass, SpoolDiskCheck.For(0, 0, "/spool").Outcome); // 0 turns the floor off, as for run
    }

    [Fact]
    public async Task A_spool_disk_below_the_configured_floor_fails_doctor_with_exit_9_and_reports_disk_full()
    {
        await using var backend = await StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog(), _ => true);
        using var output = new StringWriter();

        // A floor no disk reaches: the only failure is the disk, and doctor exits as run would (9), not 2.
        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint, minFreeBytes: long.MaxValue), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.DiskFull, output.ToString());
        var disk = Assert.Single(checks, c => c.Outcome == DoctorOutcome.Fail);
        Assert.Equal(("disk", FailureCategories.DiskFull), (disk.Name, disk.Category));
        Assert.Contains("[FAIL] disk", output.ToString(), StringComparison.Ordinal);
        var report = Heartbeat(backend);
        Assert.Equal(("failed", FailureCategories.DiskFull), (report.Outcome, report.ErrorCode));
    }

    [Fact]
    public async Task The_same_spool_disk_passes_under_a_floor_it_clears()
    {
        await using var backend = await StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog(), _ => true);
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint, minFreeBytes: 1), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        Assert.Contains(checks, c => c is { Name: "disk", Outcome: DoctorOutcome.Pass });
    }

    [Fact]
    public async Task A_database_that_is_down_goes_out_as_the_source_database_category_the_fleet_view_knows()
    {
        await using var backend = await StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog(), _ => true);
        using var output = new StringWriter();
        var down = $"Host=127.0.0.1;Port={FreePort.Next()};Database=esus;Username=esus_leitura;Password=x";

        var (exit, _) = await new DoctorCommand(Config(backend.Endpoint, down), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Database, exit);
        var report = Heartbeat(backend);
        Assert.Equal(FailureCategories.SourceDatabase, report.ErrorCode);
        Assert.Contains(report.ErrorCode, FailureCategories.All);
        Assert.Contains(report.Checks!, c => c is { Name: "database", Ok: false, Code: "database-down" });
    }

    [Fact]
    public async Task A_clock_off_by_more_than_the_contract_allows_is_clock_skew_with_runs_network_exit_code()
    {
        await using var backend = await StubBackend.StartAsync(async (context, request) =>
        {
            switch (request.Path)
            {
                case "/api/v1/health":
                    context.Response.Headers.Date = (DateTimeOffset.UtcNow - FailureCategories.MaxClockSkew - TimeSpan.FromMinutes(2)).ToString("R");
                    await context.Response.WriteAsync("""{"status":"ok"}""");
                    break;
                case "/api/v1/lists":
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(JsonSerializer.Serialize(TestSigning.SignUnsigned(PecDatabaseFixture.HipertensosCatalog()), ContractsJsonContext.Default.ListCatalogDto));
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    break;
            }
        });
        using var output = new StringWriter();

        var (exit, checks) = await new DoctorCommand(Config(backend.Endpoint), output, () => Registered).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Network, output.ToString());
        var clock = Assert.Single(checks, c => c.Outcome == DoctorOutcome.Fail);
        Assert.Equal(("clock", FailureCategories.ClockSkew, "clock-skew"), (clock.Name, clock.Category, clock.Code));
        Assert.Equal(FailureCategories.ClockSkew, Heartbeat(backend).ErrorCode);
    }
}
