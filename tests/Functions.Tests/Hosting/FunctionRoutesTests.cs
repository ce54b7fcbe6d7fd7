using System.Text.Json.Nodes;
using HostStandIn;
using PecLists.Functions.Hosting;
using LocalInfra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>What the host forwards (function.json) must be what the handler serves, and the other way round.</summary>
public sealed class FunctionRoutesTests
{
    // The app root as the host sees it: the build output, where host.json and the function folders are copied.
    private static readonly string AppRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;

    private static (string Method, string Route)[] HandlerRoutes()
    {
        var app = FunctionsApp.Build(["--ConnectionStrings:Central=Host=127.0.0.1", "--IngestStorage=UseDevelopmentStorage=true"]);
        return ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .ToArray();
    }

    public static TheoryData<string> HttpFunctions() =>
        [.. Directory.GetDirectories(AppRoot).Select(d => Path.Combine(d, "function.json")).Where(File.Exists)
            .Where(f => File.ReadAllText(f).Contains("httpTrigger", StringComparison.Ordinal))
            .Select(f => Path.GetFileName(Path.GetDirectoryName(f)!))];

    [Theory]
    [MemberData(nameof(HttpFunctions))]
    public void Every_http_function_is_served_by_the_handler_at_the_forwarded_path(string function)
    {
        var bindings = JsonNode.Parse(File.ReadAllText(Path.Combine(AppRoot, function, "function.json")))!["bindings"]!.AsArray();
        var trigger = bindings.Single(b => b!["type"]!.ToString() == "httpTrigger")!;
        Assert.Equal("anonymous", trigger["authLevel"]!.ToString());
        // Forwarding keeps the raw request only for exactly one httpTrigger and one http output.
        Assert.Equal(2, bindings.Count);
        Assert.Contains(bindings, b => b!["type"]!.ToString() == "http" && b["direction"]!.ToString() == "out");

        var routes = HandlerRoutes();
        foreach (var method in trigger["methods"]!.AsArray().Select(m => m!.ToString().ToUpperInvariant()))
        {
            Assert.Contains((method, "/api/" + trigger["route"]!), routes);
        }
    }

    [Fact]
    public void Every_queue_function_has_a_POST_endpoint_named_after_its_folder()
    {
        var routes = HandlerRoutes();
        foreach (var function in new ScriptRoot(AppRoot, new AppSettings([])).QueueFunctions())
        {
            Assert.Contains(("POST", "/" + function.Name), routes);
        }
    }

    [Fact]
    public void Every_timer_function_has_a_POST_endpoint_named_after_its_folder()
    {
        var routes = HandlerRoutes();
        var timers = new ScriptRoot(AppRoot, new AppSettings([])).TimerFunctions();

        Assert.NotEmpty(timers);
        foreach (var function in timers)
        {
            Assert.Contains(("POST", "/" + function.Name), routes);
        }
    }

    [Fact]
    public void Every_public_api_route_is_declared_to_the_host()
    {
        var declared = Directory.GetDirectories(AppRoot).Select(d => Path.Combine(d, "function.json")).Where(File.Exists)
            .Select(f => JsonNode.Parse(File.ReadAllText(f))!["bindings"]!.AsArray().FirstOrDefault(b => b!["type"]!.ToString() == "httpTrigger"))
            .Where(t => t is not null)
            .Select(t => "/api/" + t!["route"])
            .ToHashSet();

        foreach (var (_, route) in HandlerRoutes().Where(r => r.Route.StartsWith("/api/", StringComparison.Ordinal)))
        {
            Assert.Contains(route, declared);
        }
    }

    [Fact]
    public void Host_json_launches_the_handler_with_forwarding()
    {
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(AppRoot, "host.json")))!;

        // The apphost, not "dotnet Functions.dll": the Flex "custom" runtime has no dotnet on PATH (ADR 0013).
        Assert.Equal("Functions", host["customHandler"]!["description"]!["defaultExecutablePath"]!.ToString());
        Assert.Empty(host["customHandler"]!["description"]!["arguments"]!.AsArray());
        Assert.True(host["customHandler"]!["enableForwardingHttpRequest"]!.GetValue<bool>());
        Assert.Equal("[4.*, 5.0.0)", host["extensionBundle"]!["version"]!.ToString());
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(typeof(FunctionsApp).Assembly.Location)!, "Functions")));
    }
}
