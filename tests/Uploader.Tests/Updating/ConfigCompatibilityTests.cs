using PecLists.Uploader.Config;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// A release and the config and state files it finds must get along one version step both ways (docs/adr/0027): a newer
/// file's fields this build does not know are ignored, and an older file without the self-update fields still loads.
/// These are today's reader alone, given hand-written files: the previous release's own binary reading the config today's
/// install writes, and today's binary reading the one the previous release's install writes, is
/// tests/Releases.Tests/Compatibility/PreviousReleaseTests (built from git history).
/// </summary>
public sealed class ConfigCompatibilityTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string Config(string extra) =>
        $$"""
        {
          "endpoint": "https://ingest.example.org",
          "sites": [ { "ibge": "2304400", "token": "tok-1", "someFutureSiteSetting": 3 } ],
          "database": { "connectionString": "Host=pec;Database=esus;Username=esus_leitura" },
          "listSigningKey": "{{TestSigning.PublicKey}}"{{extra}}
        }
        """;

    [Fact]
    public void A_config_from_a_newer_release_with_fields_this_one_does_not_know_loads_and_keeps_what_it_knows()
    {
        var path = _dir.Combine("config.json");
        File.WriteAllText(path, Config($$""", "releaseSigningKeys": ["{{Releases.PublicKey(Releases.ReleaseKey)}}"], "aSettingFromTheFuture": { "nested": [1, 2] }, "upload": { "maxAttempts": 4, "newUploadKnob": true }"""));

        var config = UploaderConfig.Load(path);

        Assert.Equal([Releases.PublicKey(Releases.ReleaseKey)], config.ReleaseSigningKeys);
        Assert.Equal(4, config.Upload.MaxAttempts);
    }

    [Fact]
    public void A_config_from_before_self_update_loads_with_self_update_off()
    {
        var path = _dir.Combine("config.json");
        File.WriteAllText(path, Config(string.Empty));

        var config = UploaderConfig.Load(path);

        Assert.Empty(config.ReleaseSigningKeys);
    }

    [Fact]
    public void A_release_key_that_is_not_a_key_is_a_config_error_naming_the_setting()
    {
        var path = _dir.Combine("config.json");
        File.WriteAllText(path, Config(""", "releaseSigningKeys": ["not-a-key"]"""));

        var ex = Assert.Throws<ConfigException>(() => UploaderConfig.Load(path));

        Assert.Contains("'releaseSigningKeys'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spool_state_from_before_self_update_loads_and_one_with_newer_fields_keeps_what_this_release_knows()
    {
        var older = _dir.Combine("older");
        Directory.CreateDirectory(older);
        File.WriteAllText(SpoolState.PathIn(older), """{ "Superseded": 2, "HighestListVersions": { "a": 3 } }""");
        var newer = _dir.Combine("newer");
        Directory.CreateDirectory(newer);
        File.WriteAllText(SpoolState.PathIn(newer), """{ "HighestReleaseVersion": "0.9.0", "SomethingLater": [1] }""");

        Assert.Equal((2, 3, (string?)null), (SpoolState.Load(older).Superseded, SpoolState.Load(older).HighestListVersions["a"], SpoolState.Load(older).HighestReleaseVersion));
        Assert.Equal("0.9.0", SpoolState.Load(newer).HighestReleaseVersion);
    }

    [Fact]
    public void A_launcher_state_with_newer_fields_still_says_which_release_is_current()
    {
        var layout = InstallLayout.ForLauncher(_dir.Combine("install", InstallLayout.BinaryName));
        Directory.CreateDirectory(layout.VersionsDirectory);
        File.WriteAllText(layout.StatePath, """{ "Current": "0.9.0", "Trial": true, "Channel": "canary" }""");

        var state = LauncherState.Load(layout);

        Assert.Equal(("0.9.0", true), (state.Current, state.Trial));
    }

    [Fact]
    public void A_damaged_launcher_state_is_as_if_absent_so_the_launcher_runs_itself()
    {
        var layout = InstallLayout.ForLauncher(_dir.Combine("install", InstallLayout.BinaryName));
        Directory.CreateDirectory(layout.VersionsDirectory);
        File.WriteAllText(layout.StatePath, """{ "Current": "0.9""");

        Assert.Null(LauncherState.Load(layout).Current);
    }
}
