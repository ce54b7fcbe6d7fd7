using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Releases;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// <c>releases publish</c> as an operator runs it (a real process) against the real central database and Azurite: what
/// it refuses leaves nothing registered, and the backend only ever stores what the release key signed.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class ReleasePublishTests(InfraFixture infra) : IDisposable
{
    private readonly ReleaseTestKit _kit = new(infra);

    public void Dispose() => _kit.Dispose();

    private async Task<int> RegisteredAsync(string runtime, string version)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM ingest.releases WHERE runtime = @runtime AND version = @version", new { runtime, version });
    }

    [Fact]
    public async Task A_tampered_manifest_or_another_key_is_refused_with_exit_3_and_nothing_is_registered()
    {
        var version = (await _kit.NextVersionsAsync(ReleaseRuntimes.LinuxX64, 1))[0];
        var binary = _kit.Build("tampered");
        var manifest = _kit.Sign(binary, version);

        // The size raised after signing: the signature no longer covers what the manifest says.
        var tampered = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(manifest with { Size = manifest.Size + 1 }, "tampered.json"), "--binary", binary);
        Assert.Equal(3, tampered.ExitCode);
        Assert.Contains("does not verify", tampered.StandardError, StringComparison.Ordinal);

        // Signed by a key the backend does not hold.
        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var foreign = await _kit.CliWithKeyAsync(Convert.ToBase64String(other.ExportSubjectPublicKeyInfo()), "releases", "publish",
            "--manifest", _kit.Write(manifest, "good.json"), "--binary", binary);
        Assert.Equal(3, foreign.ExitCode);

        // No release key configured: nothing is taken unchecked.
        var unkeyed = await _kit.CliWithKeyAsync(null, "releases", "publish", "--manifest", _kit.Write(manifest, "good.json"), "--binary", binary);
        Assert.Equal(3, unkeyed.ExitCode);
        Assert.Contains("Releases__SigningPublicKeys", unkeyed.StandardError, StringComparison.Ordinal);

        Assert.Equal(0, await RegisteredAsync(ReleaseRuntimes.LinuxX64, version));
    }

    [Fact]
    public async Task A_binary_that_is_not_the_signed_build_is_refused_with_exit_1_and_nothing_is_registered()
    {
        var version = (await _kit.NextVersionsAsync(ReleaseRuntimes.LinuxX64, 1))[0];
        var signedBuild = _kit.Build("signed");
        var manifestPath = _kit.Write(_kit.Sign(signedBuild, version), "m.json");

        var sameSize = _kit.Build("same-size-other-bytes", (int)new FileInfo(signedBuild).Length);
        var digest = await _kit.CliAsync("releases", "publish", "--manifest", manifestPath, "--binary", sameSize);
        Assert.Equal(1, digest.ExitCode);
        Assert.Contains("SHA-256", digest.StandardError, StringComparison.Ordinal);

        var truncated = Path.Combine(_kit.Work, "truncated");
        File.WriteAllBytes(truncated, File.ReadAllBytes(signedBuild)[..1000]);
        var size = await _kit.CliAsync("releases", "publish", "--manifest", manifestPath, "--binary", truncated);
        Assert.Equal(1, size.ExitCode);
        Assert.Contains("bytes", size.StandardError, StringComparison.Ordinal);

        Assert.Equal(0, await RegisteredAsync(ReleaseRuntimes.LinuxX64, version));
    }

    [Fact]
    public async Task A_version_not_above_every_published_one_for_its_runtime_is_refused_but_the_same_build_signed_later_extends_its_expiry()
    {
        const string Runtime = ReleaseRuntimes.WinX64;
        var (lower, higher) = ((await _kit.NextVersionsAsync(Runtime, 2))[0], (await _kit.NextVersionsAsync(Runtime, 2))[1]);
        var build = await _kit.PublishAsync(higher, Runtime);

        // Lower than the published one, even if never published itself.
        var lowerBuild = _kit.Build("lower");
        var refusedLower = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(_kit.Sign(lowerBuild, lower, Runtime), "lower.json"), "--binary", lowerBuild);
        Assert.Equal(1, refusedLower.ExitCode);
        Assert.Contains("not above", refusedLower.StandardError, StringComparison.Ordinal);
        Assert.Equal(0, await RegisteredAsync(Runtime, lower));

        // The same version with another build.
        var otherBuild = _kit.Build("other");
        var refusedEqual = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(_kit.Sign(otherBuild, higher, Runtime), "equal.json"), "--binary", otherBuild);
        Assert.Equal(1, refusedEqual.ExitCode);
        Assert.Contains("another build", refusedEqual.StandardError, StringComparison.Ordinal);

        // The same build, signed later with a longer expiry: the documented way to keep a release served. No binary needed.
        var resigned = _kit.Sign(build, higher, Runtime, DateTimeOffset.UtcNow.AddMinutes(1), TimeSpan.FromDays(60));
        var again = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(resigned, "resigned.json"));
        Assert.True(again.ExitCode == 0, again.Combined);
        var stored = await _kit.Catalog.FindAsync(Runtime, higher, CancellationToken.None);
        Assert.Equal(resigned.ExpiresAt, stored!.Manifest.ExpiresAt);
        Assert.True(ReleaseSignature.Verify(stored.Manifest, _kit.Key.ExportSubjectPublicKeyInfo()));

        // An older signing does not replace a newer one.
        var stale = await _kit.CliAsync("releases", "publish", "--manifest", _kit.Write(_kit.Sign(build, higher, Runtime, DateTimeOffset.UtcNow.AddDays(-1)), "stale.json"));
        Assert.Equal(1, stale.ExitCode);
    }

    [Fact]
    public async Task An_expired_manifest_is_refused_at_publish()
    {
        var version = (await _kit.NextVersionsAsync(ReleaseRuntimes.LinuxX64, 1))[0];
        var binary = _kit.Build("expired");
        var expired = _kit.Sign(binary, version, signedAt: DateTimeOffset.UtcNow.AddDays(-31), validFor: TimeSpan.FromDays(30));

        var outcome = await _kit.Publisher.PublishAsync(expired, binary, "test", makeCurrent: false, CancellationToken.None);

        Assert.Equal(ReleasePublishVerdict.Expired, outcome.Verdict);
        Assert.Equal(0, await RegisteredAsync(ReleaseRuntimes.LinuxX64, version));
    }

    [Fact]
    public async Task Resign_keeps_the_build_and_gives_a_new_expiry_that_publish_accepts()
    {
        const string Runtime = ReleaseRuntimes.LinuxX64;
        var version = (await _kit.NextVersionsAsync(Runtime, 1))[0];
        var build = _kit.Build("to-resign");
        var original = _kit.Sign(build, version, Runtime, DateTimeOffset.UtcNow.AddMinutes(-5), TimeSpan.FromDays(1));
        var path = _kit.Write(original, "to-resign.json");
        Assert.Equal(ReleasePublishVerdict.Published, (await _kit.Publisher.PublishAsync(original, build, "test", false, CancellationToken.None)).Verdict);

        var resign = await _kit.CliAsync("releases", "resign", "--manifest", path, "--private-key", _kit.PrivateKeyPath, "--expires-in-days", "45");
        Assert.True(resign.ExitCode == 0, resign.Combined);
        var publish = await _kit.CliAsync("releases", "publish", "--manifest", path);
        Assert.True(publish.ExitCode == 0, publish.Combined);

        var stored = (await _kit.Catalog.FindAsync(Runtime, version, CancellationToken.None))!.Manifest;
        Assert.Equal((original.Size, original.Sha256), (stored.Size, stored.Sha256));
        Assert.InRange(stored.ExpiresAt, DateTimeOffset.UtcNow.AddDays(44), DateTimeOffset.UtcNow.AddDays(46));
    }
}
