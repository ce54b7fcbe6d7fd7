using LocalInfra;
using Npgsql;

namespace EndToEnd.Tests;

/// <summary>
/// `Functions.dll smoke` against the local stack (the handler behind the host stand-in, Azurite, PostgreSQL), as the
/// deploy workflow runs it against Azure: twice, the second run finding the smoke site and its row as the first left them.
/// </summary>
public sealed class SmokeCommandTests
{
    [Fact]
    public async Task Smoke_passes_against_the_local_stack_twice_and_leaves_no_live_token()
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = ["hipertensos"] });
        var adminToken = (await pipeline.FunctionsCommandAsync(["admin", "issue-token", "--name", "smoke"])).StandardOutput.Trim();
        string[] smoke = [RepoPaths.FunctionsDll, "smoke", "--endpoint", pipeline.Endpoint.ToString(), "--timeout", "60"];
        var environment = new Dictionary<string, string?> { ["SMOKE_ADMIN_TOKEN"] = adminToken };

        var first = await ProcessRunner.RunAsync("dotnet", [.. smoke, "--admin-token", adminToken], timeout: TimeSpan.FromMinutes(3));
        Assert.True(first.ExitCode == 0, first.Combined + pipeline.FunctionsLog);
        Assert.Contains("smoke: health   ok", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("smoke: site     9999999 added", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("using hipertensos v1", first.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("inserted 1, updated 0, deleted 0, unchanged 0", first.StandardOutput, StringComparison.Ordinal);

        // The token from the environment this time; the site and its row are found as left.
        var second = await ProcessRunner.RunAsync("dotnet", smoke, environment, timeout: TimeSpan.FromMinutes(3));
        Assert.True(second.ExitCode == 0, second.Combined + pipeline.FunctionsLog);
        Assert.Contains("smoke: site     9999999 exists", second.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("inserted 0, updated 0, deleted 0, unchanged 1", second.StandardOutput, StringComparison.Ordinal);

        await using var connection = new NpgsqlConnection(pipeline.CentralConnection);
        await connection.OpenAsync();
        await using var rows = new NpgsqlCommand("SELECT count(*) FROM lists.hipertensos WHERE site_id = '9999999'", connection);
        Assert.Equal(1L, await rows.ExecuteScalarAsync());

        // A wrong operator token: one clear line, its own exit code, nothing done.
        var refused = await ProcessRunner.RunAsync("dotnet", [.. smoke, "--admin-token", "pec_admin_wrong"]);
        Assert.Equal(3, refused.ExitCode);
        Assert.Contains("smoke: site     FAIL", refused.StandardOutput, StringComparison.Ordinal);
    }
}
