using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LocalInfra;
using Microsoft.Extensions.Options;
using PecLists.Contracts;
using PecLists.Functions.Releases;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// What the release tests share: a release key pair made in the test, fake builds (random bytes: the backend never runs
/// them), manifests signed like <c>releases sign</c> does, the operator CLI as a real process, and the backend's release
/// classes over the fixture's PostgreSQL and Azurite. Releases are global per runtime, so each test takes versions above
/// every one published so far.
/// </summary>
public sealed class ReleaseTestKit : IDisposable
{
    private readonly InfraFixture _infra;

    public ReleaseTestKit(InfraFixture infra)
    {
        _infra = infra;
        Work = Directory.CreateTempSubdirectory("releases-").FullName;
        Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        PrivateKeyPath = Path.Combine(Work, "release-signing-key.pem");
        File.WriteAllText(PrivateKeyPath, Key.ExportPkcs8PrivateKeyPem());
        Options = Microsoft.Extensions.Options.Options.Create(new ReleaseOptions { Container = Container, SigningPublicKeys = PublicKey });
    }

    /// <summary>One container for every release test: the database's releases point into it.</summary>
    public const string Container = "releases-tests";

    public string Work { get; }

    public ECDsa Key { get; }

    public string PrivateKeyPath { get; }

    public string PublicKey => Convert.ToBase64String(Key.ExportSubjectPublicKeyInfo());

    public IOptions<ReleaseOptions> Options { get; }

    public ReleaseStore Store => new(_infra.Blobs, Options);

    public ReleaseCatalog Catalog => new(_infra.Database);

    public ReleaseRollouts Rollouts => new(_infra.Database, TimeProvider.System);

    public ReleasePublisher Publisher => new(_infra.Database, Store, Options, TimeProvider.System);

    public Dictionary<string, string?> Environment(string? releaseKeys) => new()
    {
        ["ConnectionStrings__Central"] = _infra.CentralConnection,
        ["IngestStorage"] = _infra.Azurite.ConnectionString,
        ["Releases__Container"] = Container,
        ["Releases__SigningPublicKeys"] = releaseKeys,
    };

    /// <summary>The functions executable's operator command line, as an operator runs it, with this kit's release key configured.</summary>
    public Task<ProcessResult> CliAsync(params string[] arguments) => CliWithKeyAsync(PublicKey, arguments);

    public Task<ProcessResult> CliWithKeyAsync(string? releaseKeys, params string[] arguments) =>
        ProcessRunner.RunAsync("dotnet", [RepoPaths.FunctionsDll, .. arguments], Environment(releaseKeys), timeout: TimeSpan.FromMinutes(2));

    /// <summary>A fake build of <paramref name="bytes"/> random bytes.</summary>
    public string Build(string name, int bytes = 200_000)
    {
        var path = Path.Combine(Work, name);
        File.WriteAllBytes(path, RandomNumberGenerator.GetBytes(bytes));
        return path;
    }

    /// <summary>A manifest of <paramref name="binary"/> signed with this kit's key, as <c>releases sign</c> makes it.</summary>
    public ReleaseManifestDto Sign(string binary, string version, string runtime = ReleaseRuntimes.LinuxX64, DateTimeOffset? signedAt = null, TimeSpan? validFor = null)
    {
        var bytes = File.ReadAllBytes(binary);
        var at = signedAt ?? DateTimeOffset.UtcNow;
        return ReleaseSignature.Sign(
            new ReleaseManifestDto(version, runtime, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), at, at + (validFor ?? TimeSpan.FromDays(30))), Key);
    }

    public string Write(ReleaseManifestDto manifest, string name)
    {
        var path = Path.Combine(Work, name);
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, ContractsJsonContext.Default.ReleaseManifestDto));
        return path;
    }

    /// <summary>The next version above every one published for the runtime (patch + 1), and the one after it, and so on.</summary>
    public async Task<string[]> NextVersionsAsync(string runtime, int count)
    {
        await using var connection = await _infra.Database.OpenConnectionAsync();
        var highest = await connection.ExecuteScalarAsync<string?>(
            "SELECT version FROM ingest.releases WHERE runtime = @runtime ORDER BY version_order DESC LIMIT 1", new { runtime });
        var start = ReleaseVersion.TryParse(highest, out var v) ? v : new ReleaseVersion(1, 0, 0);
        return [.. Enumerable.Range(1, count).Select(i => new ReleaseVersion(start.Major, start.Minor, start.Patch + i).ToString())];
    }

    /// <summary>Publishes a fresh build at <paramref name="version"/> through the backend's publisher; its binary path.</summary>
    public async Task<string> PublishAsync(string version, string runtime = ReleaseRuntimes.LinuxX64)
    {
        var binary = Build($"uploader-{version}-{runtime}");
        var outcome = await Publisher.PublishAsync(Sign(binary, version, runtime), binary, "test", makeCurrent: false, CancellationToken.None);
        Assert.True(outcome.Verdict == ReleasePublishVerdict.Published, outcome.Message);
        return binary;
    }

    /// <summary>Starts from a clean rollout for the runtime: no current, no canary, not halted.</summary>
    public async Task ResetRolloutAsync(string runtime)
    {
        await using var connection = await _infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync("DELETE FROM ingest.release_rollouts WHERE runtime = @runtime", new { runtime });
    }

    /// <summary>An app root for the host stand-in holding only the release functions, the handler started from the build.</summary>
    public string WriteAppRoot()
    {
        var appRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;
        var root = Path.Combine(Work, "app");
        Directory.CreateDirectory(root);
        var host = JsonNode.Parse(File.ReadAllText(Path.Combine(appRoot, "host.json")))!;
        host["customHandler"]!["description"]!["arguments"] = new JsonArray(RepoPaths.FunctionsDll);
        File.WriteAllText(Path.Combine(root, "host.json"), host.ToJsonString());
        foreach (var function in new[] { "release-manifest", "release-binary" })
        {
            Directory.CreateDirectory(Path.Combine(root, function));
            File.Copy(Path.Combine(appRoot, function, "function.json"), Path.Combine(root, function, "function.json"));
        }

        return root;
    }

    public void Dispose()
    {
        Key.Dispose();
        Directory.Delete(Work, recursive: true);
    }
}
