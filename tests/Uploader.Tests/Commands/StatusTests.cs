using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Spooling;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

public sealed class StatusTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private UploaderConfig Config(Uri endpoint) => new()
    {
        Endpoint = endpoint.ToString(),
        ListSigningKey = TestSigning.PublicKey,
        Sites = [new SiteConfig { Ibge = "2611606", Token = "pec_status" }],
        SpoolDirectory = _dir.Combine("spool"),
        LogDirectory = _dir.Combine("logs"),
    };

    [Fact]
    public async Task Status_shows_the_last_runs_and_the_backend_outcome_of_each_snapshot_sent()
    {
        var loaded = Guid.CreateVersion7();
        var rejected = Guid.CreateVersion7();
        await using var backend = await StubBackend.StartAsync(async (context, request) =>
        {
            SnapshotStatusDto? dto = request.Path.EndsWith(loaded.ToString(), StringComparison.Ordinal)
                ? new(loaded, "2611606", "hipertensos", "loaded", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, new SnapshotRowCounts(5, 1, 0, 20), null, null)
                : request.Path.EndsWith(rejected.ToString(), StringComparison.Ordinal)
                    ? new(rejected, "2611606", "hipertensos", "rejected", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, null, "bad-data", "invalid input at CSV line 3, column id.")
                    : null;
            if (dto is null || request.Header("Authorization") != "Bearer pec_status")
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(dto, ContractsJsonContext.Default.SnapshotStatusDto));
        });
        var config = Config(backend.Endpoint);
        using (var log = new RunLog(TextWriter.Null, config.LogDirectory))
        {
            log.WriteLine("2026-11-23 03:07:00 run finished: everything sent");
            log.WriteLine("2026-11-24 03:07:00 run finished with problems (exit code 3)");
        }

        SentLog.Append(config.SpoolDirectory, new SentSnapshot("2611606", "hipertensos", rejected, DateTimeOffset.UtcNow.AddDays(-1)));
        SentLog.Append(config.SpoolDirectory, new SentSnapshot("2611606", "hipertensos", loaded, DateTimeOffset.UtcNow));
        using var output = new StringWriter();

        Assert.Equal(ExitCodes.Ok, await new StatusCommand(config, output).ExecuteAsync(CancellationToken.None));

        var text = output.ToString();
        Assert.Contains("run finished with problems (exit code 3)", text, StringComparison.Ordinal);
        Assert.Contains("loaded: 5 new, 1 changed, 0 removed, 20 unchanged", text, StringComparison.Ordinal);
        Assert.Contains("rejected: invalid input at CSV line 3, column id.", text, StringComparison.Ordinal);
        Assert.True(text.IndexOf(loaded.ToString(), StringComparison.Ordinal) < text.IndexOf(rejected.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task In_Portuguese_status_lists_runs_logged_in_either_language_and_groups_row_counts_the_Brazilian_way()
    {
        var loaded = Guid.CreateVersion7();
        await using var backend = await StubBackend.StartAsync(async (context, request) =>
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(
                new SnapshotStatusDto(loaded, "2611606", "hipertensos", "loaded", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, null, null, new SnapshotRowCounts(12345, 1, 0, 1234567), null, null),
                ContractsJsonContext.Default.SnapshotStatusDto));
        });
        var config = Config(backend.Endpoint);
        using (var log = new RunLog(TextWriter.Null, config.LogDirectory))
        {
            log.WriteLine("2026-11-23 03:07:00 run finished: everything sent"); // an install made with LANG=en
            log.WriteLine("2026-11-24 03:07:00 execução concluída com problemas (código de saída 3)");
        }

        SentLog.Append(config.SpoolDirectory, new SentSnapshot("2611606", "hipertensos", loaded, DateTimeOffset.UtcNow));
        using var output = new StringWriter();

        using (Localized.Use(Language.Portuguese))
        {
            Assert.Equal(ExitCodes.Ok, await new StatusCommand(config, output).ExecuteAsync(CancellationToken.None));
        }

        var text = output.ToString();
        Assert.Contains("últimas execuções:", text, StringComparison.Ordinal);
        Assert.Contains("run finished: everything sent", text, StringComparison.Ordinal);
        Assert.Contains("execução concluída com problemas (código de saída 3)", text, StringComparison.Ordinal);
        Assert.Contains("envios feitos (mais recentes primeiro):", text, StringComparison.Ordinal);
        Assert.Contains("loaded: linhas: 12.345 novas, 1 alteradas, 0 removidas, 1.234.567 inalteradas", text, StringComparison.Ordinal);
        Assert.DoesNotContain("last runs", text, StringComparison.Ordinal);
    }

    [Fact]
    public void In_Portuguese_a_log_folder_that_cannot_be_written_is_said_in_Portuguese_and_the_run_goes_on()
    {
        File.WriteAllText(_dir.Combine("not-a-folder"), "a file where the log folder should be");
        var directory = _dir.Combine("not-a-folder", "logs");
        using var console = new StringWriter();

        using (Localized.Use(Language.Portuguese))
        {
            using var log = new RunLog(console, directory);
            log.WriteLine("linha de teste");
        }

        Assert.Equal($"(sem arquivo de log: sem permissão de escrita em {directory})\nlinha de teste\n", console.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_log_file_rotates_past_its_size_and_keeps_a_bounded_history()
    {
        var directory = _dir.Combine("logs");
        Directory.CreateDirectory(directory);
        for (var round = 0; round < RunLog.Keep + 2; round++)
        {
            File.AppendAllText(RunLog.FileIn(directory), new string('x', (int)RunLog.MaxBytes));
            using var log = new RunLog(TextWriter.Null, directory);
            log.WriteLine($"round {round}");
        }

        var files = Directory.GetFiles(directory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["uploader.log", "uploader.log.1", "uploader.log.2", "uploader.log.3", "uploader.log.4"], files);
        Assert.EndsWith($"round {RunLog.Keep + 1}\n", File.ReadAllText(RunLog.FileIn(directory)), StringComparison.Ordinal);
    }
}
