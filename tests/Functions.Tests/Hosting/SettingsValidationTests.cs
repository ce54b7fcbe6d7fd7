using System.Diagnostics;
using PecLists.Functions.Hosting;
using LocalInfra;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>A bad setting stops the app at start-up naming the setting; the defaults start. Values only: no I/O.</summary>
public sealed class SettingsValidationTests
{
    // Nothing listens there: start-up must not need the database or storage.
    private static readonly string[] Unreachable =
        ["--urls=http://127.0.0.1:0", "--ConnectionStrings:Central=Host=127.0.0.1;Port=1", "--IngestStorage=UseDevelopmentStorage=true"];

    public static TheoryData<string, string> BadSettings() => new()
    {
        { "--Load:MaxConcurrentLoads=0", "Load:MaxConcurrentLoads must be between 1 and 1000." },
        { "--Load:DeferSeconds=0", "Load:DeferSeconds must be between 0.1 and 3600." },
        { "--Load:LockTimeoutSeconds=-1", "Load:LockTimeoutSeconds must be between 1 and 3600." },
        { "--Load:StatementTimeoutSeconds=0", "Load:StatementTimeoutSeconds must be between 1 and 86400." },
        { "--Load:StatementTimeoutSeconds=600", "Load:StatementTimeoutSeconds (600) must not exceed Load:MaxLoadSeconds (540)." },
        { "--Load:MaxLoadSeconds=580", "Load:MaxLoadSeconds (580) must end at least 30 s before host.json's functionTimeout (00:10:00)." },
        { "--Load:SlotWaitSeconds=-1", "Load:SlotWaitSeconds must be between 0 and 3600." },
        { "--Load:SlotWaitSeconds=31", "Load:SlotWaitSeconds (31) + Load:MaxLoadSeconds (540) must end at least 30 s before host.json's functionTimeout (00:10:00)." },
        { "--Database:MaxPoolSize=1", "Database:MaxPoolSize must be between 2 and 1000." },
        { "--Load:WorkMemMB=0", "Load:WorkMemMB must be between 1 and 65536." },
        { "--Load:TempBuffersMB=0", "Load:TempBuffersMB must be between 1 and 65536." },
        { "--Ingest:MaxCompressedBytes=0", "Ingest:MaxCompressedBytes must be between 1024 and 10737418240." },
        { "--Ingest:MaxDecompressedBytes=10", "Ingest:MaxDecompressedBytes must be between 1024 and 1099511627776." },
        { "--Ingest:Container=Snapshots", "Ingest:Container must be 3 to 63 lowercase letters" },
        { "--Ingest:Queue=snapshot--loads", "Ingest:Queue must be 3 to 56 lowercase letters" },
        { "--Ingest:Queue=", "Ingest:Queue must be set." },
        { "--Ingest:PermitsPerMinutePerSite=0", "Ingest:PermitsPerMinutePerSite must be between 1 and 1000000." },
        { "--Ingest:MaxConcurrentUploads=0", "Ingest:MaxConcurrentUploads must be between 1 and 10000." },
        { "--Ingest:MinBodyBytesPerSecond=0", "Ingest:MinBodyBytesPerSecond must be between 1 and 1000000000." },
        { "--Ingest:MinBodyRateGraceSeconds=1", "Ingest:MinBodyRateGraceSeconds must be between 2 and 3600." },
        { "--Sweeper:ReceivedOlderThanMinutes=2", "Sweeper:ReceivedOlderThanMinutes must be between 3 and 10080." },
        { "--Sweeper:MaxPerRun=0", "Sweeper:MaxPerRun must be between 1 and 10000." },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_the_start_naming_the_setting(string setting, string message)
    {
        // Settings Kestrel reads are refused while the app is built, the others when it starts: both before serving.
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = FunctionsApp.Build([.. Unreachable, setting]);
            await app.StartAsync();
        });

        Assert.StartsWith(message, Assert.Single(refused.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auto_prepared_statements_through_a_transaction_pooler_stop_the_start()
    {
        // A prepared statement lives in one server session; through PgBouncer's transaction mode the next transaction
        // may run on another (ADR 0020).
        string[] pooled = [.. Unreachable, "--ConnectionStrings:Central=Host=127.0.0.1;Port=1;Max Auto Prepare=10", "--Database:TransactionPooling=true"];

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = FunctionsApp.Build(pooled);
            await app.StartAsync();
        });

        Assert.StartsWith("ConnectionStrings:Central must not set Max Auto Prepare when Database:TransactionPooling is true", Assert.Single(refused.Failures), StringComparison.Ordinal);
        await using var direct = FunctionsApp.Build([.. Unreachable, "--ConnectionStrings:Central=Host=127.0.0.1;Port=1;Max Auto Prepare=10"]);
        await direct.StartAsync();
        await direct.StopAsync();
    }

    [Fact]
    public async Task The_defaults_start_with_the_database_and_storage_unreachable()
    {
        await using var app = FunctionsApp.Build(Unreachable);

        await app.StartAsync();

        await app.StopAsync();
    }

    [Fact]
    public async Task The_executable_refuses_a_bad_setting_with_one_line_and_exit_code_1()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in (string[])[RepoPaths.FunctionsDll, .. Unreachable, "--Load:MaxConcurrentLoads=0"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        Assert.Equal("Load:MaxConcurrentLoads must be between 1 and 1000.", (await error).Trim());
        Assert.Equal(string.Empty, (await output).Trim());
    }
}
