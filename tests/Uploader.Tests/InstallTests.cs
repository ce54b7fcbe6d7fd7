using System.Text.Json;
using Ingest.Contracts;
using Ingest.Uploader.Commands;
using Ingest.Uploader.Config;
using Ingest.Uploader.Scheduling;
using Microsoft.AspNetCore.Http;

namespace Ingest.Uploader.Tests;

/// <summary>
/// install against a PEC install laid out on disk as on a real server (config files in their places), a real
/// PEC-shaped PostgreSQL and a real HTTP backend stub; the scheduler keeps its crontab in memory.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class InstallTests(PecDatabaseFixture db) : IDisposable
{
    private const string Site = "2927408";
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class MemoryScheduler : IScheduler
    {
        public string Crontab { get; private set; } = "MAILTO=ti@municipio.gov.br\n";

        public int Registrations { get; private set; }

        public string Register(ScheduledJob job)
        {
            Crontab = ScheduleDefinitions.MergeCrontab(Crontab, job);
            Registrations++;
            return "in cron";
        }

        public void Unregister() => Crontab = ScheduleDefinitions.MergeCrontab(Crontab, null);

        public string? Current() => Crontab;
    }

    private string LayOutPecInstall()
    {
        var root = _dir.Combine("opt", "e-SUS");
        var config = Path.Combine(root, "webserver", "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "application.properties"),
            $"spring.datasource.url=jdbc:postgresql://127.0.0.1:{db.Server.Port}/{PecDatabaseFixture.Database}\nspring.datasource.username=postgres\nspring.datasource.password=\n");
        File.WriteAllText(Path.Combine(config, "credenciais.txt"),
            $"Usuário: postgres\nSenha: \n\nUsuário de leitura: {PecDatabaseFixture.ReadOnlyRole}\nSenha: {PecDatabaseFixture.ReadOnlyPassword}\n");
        return root;
    }

    private static Task<StubBackend> Backend() => StubBackend.StartAsync(async (context, request) =>
    {
        switch (request.Path)
        {
            case "/api/v1/lists" when request.Header("Authorization") == "Bearer pec_install":
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(JsonSerializer.Serialize(PecDatabaseFixture.HipertensosCatalog() with { Site = Site }, ContractsJsonContext.Default.ListCatalogDto));
                break;
            case "/api/v1/health":
                await context.Response.WriteAsync("{}");
                break;
            case "/api/v1/heartbeats":
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                break;
        }
    });

    [Fact]
    public async Task One_command_finds_the_database_writes_an_owner_only_config_schedules_and_passes_doctor_and_reinstalling_changes_nothing()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("etc", "pec-uploader", "config.json");
        var options = new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath, SpoolDirectory: _dir.Combine("spool"), ExecutablePath: "/usr/local/bin/uploader");
        using var output = new StringWriter();

        var exit = await new InstallCommand(options, output, scheduler, () => [pecRoot]).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(configPath));
        }

        var config = UploaderConfig.Load(configPath);
        Assert.Equal((Site, "pec_install"), (config.Sites.Single().Ibge, config.Sites.Single().Token));
        Assert.Contains($"Username={PecDatabaseFixture.ReadOnlyRole}", config.Database.ConnectionString, StringComparison.Ordinal);
        var at = ScheduleTime.For(Site, new TimeOnly(1, 0), TimeSpan.FromHours(5));
        Assert.Contains($"{at.Minute} {at.Hour} * * * /usr/local/bin/uploader run --config {Path.GetFullPath(configPath)}", scheduler.Crontab, StringComparison.Ordinal);
        Assert.StartsWith("MAILTO=", scheduler.Crontab, StringComparison.Ordinal);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/heartbeats");
        Assert.Contains("Installed.", output.ToString(), StringComparison.Ordinal);

        var configBefore = await File.ReadAllTextAsync(configPath);
        var crontabBefore = scheduler.Crontab;
        using var again = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await new InstallCommand(options, again, scheduler, () => [pecRoot]).ExecuteAsync(CancellationToken.None));

        Assert.Equal(configBefore, await File.ReadAllTextAsync(configPath));
        Assert.Equal(crontabBefore, scheduler.Crontab);
        Assert.Contains("config unchanged", again.ToString(), StringComparison.Ordinal);

        scheduler.Unregister();
        Assert.Equal("MAILTO=ti@municipio.gov.br\n", scheduler.Crontab);
    }

    [Fact]
    public async Task A_wrong_token_stops_before_anything_is_written()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("config.json");
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(backend.Endpoint.ToString(), "pec_wrong", configPath), output, scheduler, () => [pecRoot]).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Token, exit);
        Assert.False(File.Exists(configPath));
        Assert.Equal(0, scheduler.Registrations);
        Assert.Contains("refused the token", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_pec_install_it_asks_for_the_connection_instead_of_guessing()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(backend.Endpoint.ToString(), "pec_install", _dir.Combine("c.json")), output, new MemoryScheduler(), () => [_dir.Combine("nowhere")]).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("--db", output.ToString(), StringComparison.Ordinal);
    }
}
