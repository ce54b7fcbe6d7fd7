using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Transport;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests;

/// <summary>Runs the upload pipeline against a stub backend with a test source and a fixed clock: one site, one attempt per request.</summary>
public static class PipelineRuns
{
    public const string Site = "2304400";

    public static async Task<RunResult> RunAsync(
        StubBackend backend, ISnapshotSource source, string spoolDirectory, DateTimeOffset now,
        Action<UploaderConfig>? configure = null, Action<RunEvent>? onEvent = null)
    {
        var config = new UploaderConfig
        {
            Endpoint = backend.Endpoint.ToString(),
            Sites = [new SiteConfig { Ibge = Site, Token = "tok" }],
            SpoolDirectory = spoolDirectory,
            Upload = new UploadConfig { MaxAttempts = 1, AttemptTimeoutSeconds = 10 },
            ListSigningKey = TestSigning.PublicKey,
        };
        configure?.Invoke(config);
        using var client = new BackendClient(config.Endpoint, config.Upload);
        return await new UploadRun(config, source, client, new FixedClock(now), onEvent).ExecuteAsync(CancellationToken.None);
    }

    /// <summary>A backend that serves <paramref name="catalog"/>, accepts every PUT (202) and takes every heartbeat (204).</summary>
    public static Func<HttpContext, ReceivedRequest, Task> Serving(ListCatalogDto catalog) => async (context, request) =>
    {
        if (request.Path == ApiRoutes.Lists)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(catalog, ContractsJsonContext.Default.ListCatalogDto));
        }
        else
        {
            context.Response.StatusCode = request.Method == "PUT" ? StatusCodes.Status202Accepted : StatusCodes.Status204NoContent;
        }
    };

    /// <summary>The last heartbeat the backend received.</summary>
    public static HeartbeatDto LastHeartbeat(StubBackend backend) =>
        JsonSerializer.Deserialize(backend.Requests.Last(r => r.Path == ApiRoutes.Heartbeats).Body, ContractsJsonContext.Default.HeartbeatDto)!;
}
