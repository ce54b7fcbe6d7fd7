using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using HostStandIn;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// The two site endpoints as Azure serves them: Functions.dll behind the host stand-in (forwarding the host's way),
/// against the fixture's PostgreSQL and Azurite, a release signed and published with the operator's real commands.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class ReleaseEndpointTests(InfraFixture infra) : IDisposable
{
    private readonly ReleaseTestKit _kit = new(infra);

    public void Dispose() => _kit.Dispose();

    private static HttpRequestMessage Get(string token, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<string?> CodeOf(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.TryGetProperty("code", out var code) ? code.GetString() : null;

    [Fact]
    public async Task A_release_signed_and_published_to_a_canary_site_in_one_command_reaches_it_through_the_host_and_no_other_site()
    {
        const string Runtime = ReleaseRuntimes.LinuxX64;
        await _kit.ResetRolloutAsync(Runtime);
        var version = (await _kit.NextVersionsAsync(Runtime, 1))[0];
        var binary = _kit.Build("uploader", 300_000);
        var manifestPath = Path.Combine(_kit.Work, "manifest.json");

        var signed = await _kit.CliWithKeyAsync(null, "releases", "sign", "--binary", binary, "--version", version, "--runtime", Runtime,
            "--private-key", _kit.PrivateKeyPath, "--out", manifestPath);
        Assert.True(signed.ExitCode == 0, signed.Combined);
        var (canary, other) = (await infra.NewSiteAsync(), await infra.NewSiteAsync());
        var published = await _kit.CliAsync("releases", "publish", "--manifest", manifestPath, "--binary", binary, "--sites", canary, "--as", "ana");
        Assert.True(published.ExitCode == 0, published.Combined);
        var canaryToken = (await SiteTokens.IssueAsync(infra.Database, canary, CancellationToken.None)).Token;
        var otherToken = (await SiteTokens.IssueAsync(infra.Database, other, CancellationToken.None)).Token;

        await using var host = await FunctionsHostStandIn.StartAsync(new StandInOptions
        {
            ScriptRoot = _kit.WriteAppRoot(),
            AppSettings = new Dictionary<string, string?>
            {
                ["ConnectionStrings__Central"] = infra.CentralConnection,
                [IngestStorageOptions.Section] = infra.Azurite.ConnectionString,
                ["Releases__Container"] = ReleaseTestKit.Container,
            },
        });
        using var http = new HttpClient { BaseAddress = host.Endpoint };

        // The canary site gets the signed manifest, and it verifies with the release key a site pins.
        using var manifestAnswer = await http.SendAsync(Get(canaryToken, ApiRoutes.ReleaseManifestPath(Runtime)));
        Assert.True(manifestAnswer.StatusCode == HttpStatusCode.OK, $"{manifestAnswer.StatusCode}: {await manifestAnswer.Content.ReadAsStringAsync()}\n{host.Log.Text}");
        var manifest = JsonSerializer.Deserialize(await manifestAnswer.Content.ReadAsStringAsync(), ContractsJsonContext.Default.ReleaseManifestDto)!;
        Assert.Equal((version, Runtime, new FileInfo(binary).Length), (manifest.Version, manifest.Runtime, manifest.Size));
        Assert.True(ReleaseSignature.Verify(manifest, _kit.Key.ExportSubjectPublicKeyInfo()));
        Assert.False(manifestAnswer.Headers.Contains(WireNames.ReleaseClearedHeader));

        // Its binary, whole, is the build that was signed.
        using var binaryAnswer = await http.SendAsync(Get(canaryToken, ApiRoutes.ReleaseBinaryPath(version, Runtime)));
        Assert.Equal(HttpStatusCode.OK, binaryAnswer.StatusCode);
        var bytes = await binaryAnswer.Content.ReadAsByteArrayAsync();
        Assert.Equal(File.ReadAllBytes(binary), bytes);
        Assert.Equal(manifest.Sha256, Convert.ToHexStringLower(SHA256.HashData(bytes)));

        // A download cut short goes on from where it stopped.
        var resume = Get(canaryToken, ApiRoutes.ReleaseBinaryPath(version, Runtime));
        resume.Headers.Range = new RangeHeaderValue(100_000, null);
        using var rest = await http.SendAsync(resume);
        Assert.Equal(HttpStatusCode.PartialContent, rest.StatusCode);
        Assert.Equal(File.ReadAllBytes(binary)[100_000..], await rest.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 100000-{bytes.Length - 1}/{bytes.Length}", rest.Content.Headers.ContentRange!.ToString());

        // ... but only of this file: resuming bytes of another one (If-Range names its digest) gets the whole of this one.
        var stale = Get(canaryToken, ApiRoutes.ReleaseBinaryPath(version, Runtime));
        stale.Headers.Range = new RangeHeaderValue(100_000, null);
        stale.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{new string('0', 64)}\""));
        using var whole = await http.SendAsync(stale);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal(File.ReadAllBytes(binary), await whole.Content.ReadAsByteArrayAsync());
        var same = Get(canaryToken, ApiRoutes.ReleaseBinaryPath(version, Runtime));
        same.Headers.Range = new RangeHeaderValue(100_000, null);
        same.Headers.IfRange = new RangeConditionHeaderValue(new EntityTagHeaderValue($"\"{manifest.Sha256}\""));
        using var resumed = await http.SendAsync(same);
        Assert.Equal(HttpStatusCode.PartialContent, resumed.StatusCode);

        // A site outside the canary set, with no current release, is offered nothing.
        using var none = await http.SendAsync(Get(otherToken, ApiRoutes.ReleaseManifestPath(Runtime)));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal(ProblemCodes.NoRelease, await CodeOf(none));

        // Bad requests get their own codes; no token gets nothing.
        using var badRuntime = await http.SendAsync(Get(canaryToken, ApiRoutes.ReleaseManifestPath("linux-arm")));
        Assert.Equal((HttpStatusCode.BadRequest, ProblemCodes.UnknownRuntime), (badRuntime.StatusCode, await CodeOf(badRuntime)));
        using var unknown = await http.SendAsync(Get(canaryToken, ApiRoutes.ReleaseBinaryPath("9999.0.0", Runtime)));
        Assert.Equal((HttpStatusCode.NotFound, ProblemCodes.UnknownRelease), (unknown.StatusCode, await CodeOf(unknown)));
        using var anonymous = await http.GetAsync(ApiRoutes.ReleaseBinaryPath(version, Runtime));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
