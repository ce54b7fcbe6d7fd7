using System.Security.Cryptography;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Transport;
using Microsoft.AspNetCore.Http;

namespace PecLists.Uploader.Tests.Pipeline;

/// <summary>
/// Issue 23 item 4: whoever can write the central catalog cannot serve an older signed definition again (the uploader
/// remembers the highest version it ran and refuses a lower one; a fresh install refuses one signed too long ago), and
/// keys rotate by a re-sign and a config update: a config pinning two keys runs what either signed.
/// </summary>
public sealed class DefinitionReplayTests : IDisposable
{
    private const string Site = PipelineRuns.Site;
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static ListDefinitionDto Veiculos(int version) =>
        new("veiculos", version, $"SELECT {version} AS id", [new ListColumnDto("id", "integer")], ["id"]);

    [Fact]
    public async Task After_running_v2_an_older_v1_served_again_is_refused_as_a_rollback_and_not_extracted()
    {
        var source = new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" });
        await using (var newer = await StubBackend.StartAsync(Serving(TestSigning.SignAt(Veiculos(2), Now.AddDays(-1)))))
        {
            Assert.Equal(ExitCodes.Ok, (await RunAsync(newer, source)).ExitCode);
        }

        await using var replay = await StubBackend.StartAsync(Serving(TestSigning.SignAt(Veiculos(1), Now.AddDays(-2))));
        var result = await RunAsync(replay, source);

        Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode);
        Assert.DoesNotContain(replay.Requests, r => r.Method == "PUT");
        var refused = Assert.Single(Heartbeat(replay).RefusedDefinitions!);
        Assert.Equal(("veiculos", 1, DefinitionCodes.Rollback, TestSigning.KeyId), (refused.List, refused.Version, refused.Code, refused.KeyId));
        Assert.Contains(result.Events, e => e.Message.Contains($"veiculos v1 NOT RUN ({DefinitionCodes.Rollback})", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_version_runs_again_and_a_newer_one_runs_after_it()
    {
        var source = new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" });
        foreach (var version in new[] { 3, 3, 4 })
        {
            await using var backend = await StubBackend.StartAsync(Serving(TestSigning.SignAt(Veiculos(version), Now.AddDays(-1))));
            Assert.Equal(ExitCodes.Ok, (await RunAsync(backend, source)).ExitCode);
            Assert.Single(backend.Requests, r => r.Method == "PUT");
        }
    }

    [Fact]
    public void A_definition_signed_longer_ago_than_the_limit_is_refused_as_expired_and_one_inside_it_runs()
    {
        var signatures = new SignedDefinitions([Convert.FromBase64String(TestSigning.PublicKey)], Now, TimeSpan.FromDays(400));

        var (verified, refused) = signatures.Check([
            TestSigning.SignAt(Veiculos(1) with { Name = "velha" }, Now.AddDays(-401)),
            TestSigning.SignAt(Veiculos(1) with { Name = "recente" }, Now.AddDays(-399)),
        ]);

        Assert.Equal(["recente"], verified.Select(v => v.Name));
        Assert.Equal(("velha", DefinitionCodes.Expired), (refused.Single().List, refused.Single().Code));
    }

    [Fact]
    public void A_definition_re_signed_with_a_new_time_runs_again_though_the_old_signature_had_expired()
    {
        var signatures = new SignedDefinitions([Convert.FromBase64String(TestSigning.PublicKey)], Now, TimeSpan.FromDays(400));
        var old = TestSigning.SignAt(Veiculos(1), Now.AddDays(-500));

        Assert.Equal(DefinitionCodes.Expired, signatures.Check([old]).Refused.Single().Code);
        Assert.Single(signatures.Check([TestSigning.SignAt(Veiculos(1), Now)]).Verified);

        // Moving the date without the key is no re-sign: the v2 signature covers signedAt.
        Assert.Equal(DefinitionCodes.BadSignature, signatures.Check([old with { SignedAt = Now }]).Refused.Single().Code);
    }

    [Fact]
    public void A_definition_signed_only_the_old_way_is_refused_as_undated_and_an_unsigned_one_as_unsigned()
    {
        var signatures = new SignedDefinitions([Convert.FromBase64String(TestSigning.PublicKey)], Now, TimeSpan.FromDays(400));

        var refused = signatures.Check([TestSigning.SignUndated(Veiculos(1)), Veiculos(1) with { Name = "nua" }]).Refused;

        Assert.Equal([DefinitionCodes.Undated, DefinitionCodes.NotSigned], refused.Select(r => r.Code));
    }

    [Fact]
    public async Task A_config_pinning_the_old_and_the_new_key_runs_what_the_new_key_signed_and_one_pinning_only_the_old_refuses_it()
    {
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signedByNewKey = TestSigning.SignAt(Veiculos(1), Now.AddDays(-1), newKey);
        var source = new TextSource(new Dictionary<string, string> { ["veiculos"] = "id\n1\n" });

        await using (var backend = await StubBackend.StartAsync(Serving(signedByNewKey)))
        {
            var result = await RunAsync(backend, source);
            Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode);
            Assert.Equal(DefinitionCodes.BadSignature, Heartbeat(backend).RefusedDefinitions!.Single().Code);
        }

        await using (var backend = await StubBackend.StartAsync(Serving(signedByNewKey)))
        {
            var result = await RunAsync(backend, source, config => config.ListSigningKeys = [ListDefinitionSignature.PublicKeyText(newKey)]);
            Assert.Equal(ExitCodes.Ok, result.ExitCode);
            Assert.Single(backend.Requests, r => r.Method == "PUT");
        }
    }

    /// <summary>
    /// The middle of a rotation: some lists are re-signed with the new key, some not yet, and a config pins the old key
    /// and two more. Every list signed by any pinned key runs in the same run; one signed by a key not pinned does not.
    /// </summary>
    [Fact]
    public async Task In_the_middle_of_a_rotation_each_list_signed_by_any_of_several_pinned_keys_runs_and_one_signed_by_another_key_does_not()
    {
        using var second = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var third = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        ListDefinitionDto Named(string name) => Veiculos(1) with { Name = name, Sql = "SELECT 1 AS id" };
        var catalog = new ListCatalogDto([
            TestSigning.SignAt(Named("antiga"), Now.AddDays(-30)), // still signed by the old key (listSigningKey)
            TestSigning.SignAt(Named("segunda"), Now.AddDays(-1), second),
            TestSigning.SignAt(Named("terceira"), Now.AddDays(-1), third),
            TestSigning.SignAt(Named("estranha"), Now.AddDays(-1), stranger),
        ]);
        var source = new TextSource(new Dictionary<string, string> { ["antiga"] = "id\n1\n", ["segunda"] = "id\n2\n", ["terceira"] = "id\n3\n", ["estranha"] = "id\n4\n" });
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(catalog));

        var result = await RunAsync(backend, source, config => config.ListSigningKeys = [ListDefinitionSignature.PublicKeyText(second), ListDefinitionSignature.PublicKeyText(third)]);

        Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode); // the stranger's list, not run
        Assert.Equal(["antiga", "segunda", "terceira"], backend.Requests.Where(r => r.Method == "PUT").Select(r => r.Path.Split('/')[4]).Order());
        var refused = Assert.Single(Heartbeat(backend).RefusedDefinitions!);
        Assert.Equal(("estranha", DefinitionCodes.BadSignature), (refused.List, refused.Code));
    }

    [Fact]
    public void A_pinned_key_list_entry_that_is_not_a_key_is_a_config_error()
    {
        var config = new UploaderConfig
        {
            Endpoint = "https://pec.example.org",
            Sites = [new SiteConfig { Ibge = Site, Token = "tok" }],
            Database = new DatabaseConfig { ConnectionString = "Host=127.0.0.1" },
            ListSigningKey = TestSigning.PublicKey,
            ListSigningKeys = ["not a key"],
        };

        Assert.Contains(config.Validate(), p => p.Contains("'listSigningKeys'", StringComparison.Ordinal));
    }

    private Task<RunResult> RunAsync(StubBackend backend, TextSource source, Action<UploaderConfig>? configure = null) =>
        PipelineRuns.RunAsync(backend, source, _dir.Combine("spool"), Now, configure);

    private static HeartbeatDto Heartbeat(StubBackend backend) => PipelineRuns.LastHeartbeat(backend);

    private static Func<HttpContext, ReceivedRequest, Task> Serving(ListDefinitionDto definition) => PipelineRuns.Serving(new ListCatalogDto([definition]));
}
