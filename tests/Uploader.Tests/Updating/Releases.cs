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
            context.Response.ContentType = "application/octet-stream";
            await context.Response.Body.WriteAsync(Binary);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status204NoContent;
        }
    };

    /// <summary>A whole run (no lists) with self-update, the config pinning <paramref name="releaseKeys"/> (the release key by default).</summary>
    public async Task<RunResult> RunAsync(StubBackend backend, RunScope scope = RunScope.All, params string[] releaseKeys)
    {
        var config = new UploaderConfig
        {
            Endpoint = backend.Endpoint.ToString(),
            Sites = [new SiteConfig { Ibge = PipelineRuns.Site, Token = "tok" }],
            SpoolDirectory = Spool,
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
