using System.Net;
using System.Text.Json.Nodes;

namespace HostStandIn.Tests;

/// <summary>
/// What the host does at functionTimeout and while its worker restarts. Host source: Azure/azure-functions-host
/// (commit 89dc438) and the WebJobs SDK it runs (Microsoft.Azure.WebJobs.Host FunctionExecutor, TimeoutAttribute).
/// Time is scaled: functionTimeout is seconds here, as a test may set it in host.json or AzureFunctionsJobHost__functionTimeout.
/// </summary>
public sealed class FunctionTimeoutConformanceTests
{
    // ScriptJobHostOptionsSetup.ConfigureFunctionTimeout (src/WebJobs.Script/Config/ScriptJobHostOptionsSetup.cs:99-107):
    // absent → DefaultFunctionTimeout, 30 min (line 21) on every SKU but the old Consumption one, Flex included (line 101);
    // -1 → no limit where the SKU allows it (Flex does, line 136). The app setting wins over host.json.
    [Theory]
    [InlineData(null, null, 1800.0)]
    [InlineData("00:10:00", null, 600.0)]
    [InlineData("-1", null, null)]
    [InlineData("00:10:00", "00:00:03", 3.0)]
    public void FunctionTimeout_defaults_to_30_minutes_on_Flex_and_minus_one_is_no_limit(string? hostJson, string? appSetting, double? seconds)
    {
        var root = Directory.CreateTempSubdirectory("timeout-root-").FullName;
        try
        {
            var timeout = hostJson is null ? string.Empty : $"\"functionTimeout\": \"{hostJson}\",";
            File.WriteAllText(Path.Combine(root, "host.json"), $$"""{ "version": "2.0", {{timeout}} "customHandler": { "description": { "defaultExecutablePath": "node" } } }""");
            var settings = new AppSettings(new Dictionary<string, string?> { ["AzureFunctionsJobHost__functionTimeout"] = appSetting });

            Assert.Equal(seconds, new ScriptRoot(root, settings).FunctionTimeout?.TotalSeconds);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    // An invocation still running at functionTimeout fails with FunctionTimeoutException (WebJobs FunctionExecutor
    // InvokeWithTimeoutAsync, ThrowOnTimeout set by CustomAttributeBuilderUtility.GetTimeoutCustomAttributeBuilder);
    // FunctionExecutor.HandleExceptionAsync calls OnTimeoutExceptionAsync(exceptionInfo, timeout.GracePeriod) (2 s,
    // TimeoutAttribute ctor); WebScriptHostExceptionHandler.OnTimeoutExceptionAsync (src/WebJobs.Script.WebHost/
    // WebScriptHostExceptionHandler.cs:36-57) waits that long for the invocation, then RestartWorkerWithInvocationIdAsync:
    // HttpFunctionInvocationDispatcher.cs:209-213 disposes the one worker process and starts another, so every
    // invocation in flight on the instance fails. The failed HTTP invocation is ExceptionMiddleware's bare 500.
    [Fact]
    public async Task At_functionTimeout_the_whole_worker_is_restarted_and_every_invocation_in_flight_fails()
    {
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["AzureFunctionsJobHost__functionTimeout"] = "00:00:04" },
            functions: [("slow", EchoApp.HttpFunction("slow/{ms:int}", "get"))]);
        var firstPid = await PidAsync(app);

        var timedOut = app.Http.GetAsync(app.Url("api/slow/20000"));
        await app.WaitUntilAsync(() => app.Host.Log.Text.Contains("Timeout value of 00:00:04 exceeded", StringComparison.Ordinal), "the functionTimeout log line");
        // 3 s: well inside its own timeout, but still running when the restart comes at the end of the 2 s grace.
        var bystander = app.Http.GetAsync(app.Url("api/slow/3000"));

        using (var response = await timedOut)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        }

        using (var response = await bystander)
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        }

        Assert.Contains("Timeout value of 00:00:04 exceeded by function 'Functions.slow'", app.Host.Log.Text, StringComparison.Ordinal);
        Assert.Contains("A function timeout has occurred. Restarting worker process executing invocationId", app.Host.Log.Text, StringComparison.Ordinal);
        Assert.NotEqual(firstPid, await PidAsync(app)); // a new process answers, on the same port
        Assert.False(app.Host.HandlerExited);
    }

    // Within the grace period the invocation has still failed (the exception was thrown at the timeout), but
    // OnTimeoutExceptionAsync returns without a restart (WebScriptHostExceptionHandler.cs:36-42).
    [Fact]
    public async Task An_invocation_ending_within_the_grace_period_fails_without_a_restart()
    {
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["AzureFunctionsJobHost__functionTimeout"] = "00:00:02" },
            functions: [("slow", EchoApp.HttpFunction("slow/{ms:int}", "get"))]);
        var firstPid = await PidAsync(app);

        using var response = await app.Http.GetAsync(app.Url("api/slow/3000"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(firstPid, await PidAsync(app));
        Assert.DoesNotContain("Restarting worker process", app.Host.Log.Text, StringComparison.Ordinal);
    }

    // While the worker restarts the dispatcher's state is WorkerProcessRestarting (HttpFunctionInvocationDispatcher.cs:135),
    // and WorkerFunctionInvoker.InvokeCore (src/WebJobs.Script/Description/Workers/WorkerFunctionInvoker.cs:61-63, 119-130)
    // holds each new invocation until it is Initialized again instead of failing it.
    [Fact]
    public async Task A_request_arriving_while_the_worker_restarts_is_held_until_it_is_ready()
    {
        await using var app = await EchoApp.StartAsync(
            new Dictionary<string, string?> { ["ECHO_START_DELAY_MS"] = "1500" },
            functions: [("slow", EchoApp.HttpFunction("slow/{ms:int}", "get"))]);

        app.Host.KillHandler();
        await app.WaitUntilAsync(() => app.Host.Log.Text.Contains("custom handler process exited", StringComparison.Ordinal), "the handler's exit to be logged");

        using var response = await app.Http.GetAsync(app.Url("api/slow/0")); // the new process listens 1.5 s later

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, app.Host.HandlerRestarts);
    }

    private static async Task<int> PidAsync(EchoApp app)
    {
        using var response = await app.Http.GetAsync(app.Url("api/slow/0"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["env"]!["pid"]!.GetValue<int>();
    }
}
