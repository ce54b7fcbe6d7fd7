using System.Text.Json;
using LocalInfra;
using PecLists.Contracts;
using PecLists.Uploader.Transport;
using PecLists.Uploader.Updating;

namespace PecLists.Uploader.Tests.Updating;

/// <summary>
/// The doctor the self-update runs on a downloaded release before making it current sends no heartbeat (docs/adr/0027,
/// decision 4): the fleet view takes a site's version from its heartbeats, and a candidate is not the site's version
/// yet. The release is the real uploader (its build output started through a script in <c>versions/&lt;v&gt;/</c>, with
/// the variables the self-update sets), so what is checked is what the shipped binary does.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // the release is a shell script starting the real uploader
public sealed class SelfUpdateCandidateDoctorTests : IDisposable
{
    private static readonly string Newer = Bump(1);
    private readonly Releases _releases = new();

    public void Dispose() => _releases.Dispose();

    [Fact]
    public async Task The_doctor_of_a_release_tried_before_it_is_current_sends_no_heartbeat_and_the_same_release_once_current_does()
    {
        await using var backend = await StubBackend.StartAsync(_releases.Backend());
        WriteConfig(backend.Endpoint);
        _releases.Offer(Newer, Releases.Script(0, also: $"exec dotnet \"{UploaderProcess.Dll}\" \"$@\""));

        await _releases.RunAsync(backend);

        Assert.Contains(backend.Requests, r => r.Path == ApiRoutes.Health && r.Header("User-Agent")?.Contains(Newer, StringComparison.Ordinal) == true); // its doctor ran
        Assert.DoesNotContain(Heartbeats(backend), h => h.Kind == HeartbeatKinds.Doctor);

        // The same binary once the launcher's state names it current: a doctor run by hand reports, with that version.
        new LauncherState { Current = Newer }.Save(_releases.Layout);
        var (_, output) = await UploaderProcess.RunAsync(
            ["doctor", "--config", _releases.ConfigPath],
            new Dictionary<string, string> { [InstallLayout.LauncherVariable] = _releases.Layout.LauncherPath, [ReleaseIdentity.Variable] = Newer });

        var doctor = Assert.Single(Heartbeats(backend), h => h.Kind == HeartbeatKinds.Doctor);
        Assert.True(doctor.UploaderVersion == Newer, output);
    }

    private static List<HeartbeatDto> Heartbeats(StubBackend backend) =>
        [.. backend.Requests.Where(r => r.Path == ApiRoutes.Heartbeats).Select(r => JsonSerializer.Deserialize(r.Body, ContractsJsonContext.Default.HeartbeatDto)!)];

    /// <summary>A config the real uploader reads: this stub as backend, a database nothing listens on (the doctor fails that check, and still reports).</summary>
    private void WriteConfig(Uri endpoint) =>
        File.WriteAllText(_releases.ConfigPath, JsonSerializer.Serialize(new
        {
            endpoint = endpoint.ToString(),
            sites = new[] { new { ibge = PipelineRuns.Site, token = "tok" } },
            database = new { connectionString = $"Host=127.0.0.1;Port={FreePort.Next()};Database=pec;Username=leitor;Password=x;Timeout=3" },
            spoolDirectory = _releases.Spool + "-doctor",
            language = "en",
            listSigningKey = TestSigning.PublicKey,
            releaseSigningKeys = new[] { Releases.PublicKey(Releases.ReleaseKey) },
        }));

    private static string Bump(int minor)
    {
        var running = Version.Parse(BackendClient.Version);
        return new Version(running.Major, running.Minor + minor, 0).ToString(3);
    }
}
