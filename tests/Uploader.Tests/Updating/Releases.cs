using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// Releases as the operator would sign them offline, served by a stub backend that plays the central store (the part an
/// attacker may control), and a run of the real pipeline with self-update into a temporary install folder. A release's
/// binary is a small shell script: it is started for real (doctor, the launcher) and says by its exit code how it behaves.
/// </summary>
public sealed class Releases : IDisposable
{
    public static readonly ECDsa ReleaseKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    public static readonly ECDsa OtherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private readonly TempDirectory _dir = new();

    public Releases()
    {
        Layout = InstallLayout.ForLauncher(_dir.Combine("install", InstallLayout.BinaryName));
        Directory.CreateDirectory(Layout.Directory);
        ConfigPath = _dir.Combine("config.json");
        File.WriteAllText(ConfigPath, "{}");
    }

    public InstallLayout Layout { get; }

    public string ConfigPath { get; }

    public string Spool => _dir.Combine("spool");

    /// <summary>What the store serves now: the manifest (null: 404) and the bytes of the binary route.</summary>
    public ReleaseManifestDto? Manifest { get; set; }

    public byte[] Binary { get; set; } = [];

    /// <summary>Awaited before the binary route answers (a download held in flight); null: answered at once.</summary>
    public Func<Task>? BeforeBinary { get; set; }

    /// <summary>A release binary of about 1 MiB that exits 0: big enough for a download to be cut midway.</summary>
    public static byte[] LargeScript() =>
        [.. Script(0), .. Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("# filler after the exit: never read by the shell, only downloaded\n", 16_000)))];

    /// <summary>The version the operator cleared for this site (sent as X-Release-Cleared with the manifest), or null.</summary>
    public string? Cleared { get; set; }

    public static string PublicKey(ECDsa key) => Convert.ToBase64String(key.ExportSubjectPublicKeyInfo());

    /// <summary>A release binary: a script that exits <paramref name="exitCode"/> (doctor included).</summary>
    public static byte[] Script(int exitCode, string also = "") => Encoding.UTF8.GetBytes($"#!/bin/sh\n{also}\nexit {exitCode}\n");

    /// <summary>Serves a release of <paramref name="binary"/> signed with <paramref name="key"/> (the release key by default).</summary>
    public void Offer(string version, byte[] binary, ECDsa? key = null, DateTimeOffset? expiresAt = null, string? runtime = null, IReadOnlyList<string>? trustedKeys = null)
    {
        Binary = binary;
        Manifest = ReleaseSignature.Sign(
            new ReleaseManifestDto(
                version, runtime ?? InstallLayout.Runtime, binary.Length, Convert.ToHexStringLower(SHA256.HashData(binary)),
                DateTimeOffset.UtcNow.AddMinutes(-1), expiresAt ?? DateTimeOffset.UtcNow.AddDays(7), trustedKeys),
            key ?? ReleaseKey);
    }

    public Func<HttpContext, ReceivedRequest, Task> Backend() => async (context, request) =>
    {
        if (request.Path == ApiRoutes.Lists)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(JsonSerializer.Serialize(new ListCatalogDto([]), ContractsJsonContext.Default.ListCatalogDto));
        }
        else if (request.Path == ApiRoutes.ReleaseManifest)
        {
            if (Manifest is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            context.Response.ContentType = "application/json";
            if (Cleared is not null)
            {
                context.Response.Headers[WireNames.ReleaseClearedHeader] = Cleared;
            }

            await context.Response.WriteAsync(JsonSerializer.Serialize(Manifest, ContractsJsonContext.Default.ReleaseManifestDto));
        }
        else if (Manifest is not null && request.Path == ApiRoutes.ReleaseBinaryPath(Manifest.Version, Manifest.Runtime))
        {
            if (BeforeBinary is { } hold)
            {
                await hold();
            }

            // As the backend serves it (functions/Releases/ReleaseEndpoints): the signed digest as ETag, one byte range
            // "bytes=n-" answered 206 unless If-Range names another file, 416 past the end.
            var binary = Binary;
            var etag = $"\"{Manifest.Sha256}\"";
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ETag = etag;
            context.Response.Headers.AcceptRanges = "bytes";
            var range = request.Header("Range");
            var ifRange = request.Header("If-Range");
            if (range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-') && (ifRange is null || ifRange == etag))
            {
                var from = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
                if (from >= binary.Length)
                {
                    context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    context.Response.Headers.ContentRange = $"bytes */{binary.Length}";
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status206PartialContent;
                context.Response.Headers.ContentRange = $"bytes {from}-{binary.Length - 1}/{binary.Length}";
                context.Response.ContentLength = binary.Length - from;
                await context.Response.Body.WriteAsync(binary.AsMemory((int)from));
                return;
            }

            context.Response.ContentLength = binary.Length;
            await context.Response.Body.WriteAsync(binary);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    };

    /// <summary>A whole run (no lists) with self-update, the config pinning <paramref name="releaseKeys"/> (the release key by default).</summary>
    public Task<RunResult> RunAsync(StubBackend backend, RunScope scope = RunScope.All, params string[] releaseKeys) =>
        RunAsync(backend.Endpoint, Spool, scope, releaseKeys);

    /// <summary>A whole run against <paramref name="endpoint"/> (the stub, or a relay to it) with its own spool.</summary>
    public async Task<RunResult> RunAsync(Uri endpoint, string spool, RunScope scope = RunScope.All, params string[] releaseKeys)
    {
        var config = new UploaderConfig
        {
            Endpoint = endpoint.ToString(),
            Sites = [new SiteConfig { Ibge = PipelineRuns.Site, Token = "tok" }],
            SpoolDirectory = spool,
            Upload = new UploadConfig { MaxAttempts = 1, AttemptTimeoutSeconds = 10 },
            ListSigningKey = TestSigning.PublicKey,
            ReleaseSigningKeys = releaseKeys.Length == 0 ? [PublicKey(ReleaseKey)] : [.. releaseKeys],
        };
        using var client = new BackendClient(config.Endpoint, config.Upload);
        var events = new RunEvents(TimeProvider.System);
        var selfUpdate = new SelfUpdate(config, ConfigPath, client, Layout, TimeProvider.System, events);
        var result = await new UploadRun(config, new TextSource(new Dictionary<string, string>()), client, TimeProvider.System, null, null, scope, selfUpdate).ExecuteAsync(CancellationToken.None);
        return result with { Events = [.. result.Events, .. events.All] };
    }

    public LauncherState Launcher => LauncherState.Load(Layout);

    public SpoolState State => SpoolState.Load(Spool);

    public void Dispose() => _dir.Dispose();
}
