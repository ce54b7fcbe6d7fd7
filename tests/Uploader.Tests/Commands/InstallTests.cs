using System.Net;
using PecLists.Uploader.Commands;
using PecLists.Uploader.Installation;
using PecLists.Uploader.Config;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Tests;

/// <summary>
/// install against a PEC install laid out on disk as on a real server (config files in their places), a real
/// PEC-shaped PostgreSQL and a real HTTP backend stub; the scheduler keeps its crontab in memory.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class InstallTests(PecDatabaseFixture db) : IDisposable
{
    private const string Site = "2927408";
    private const string ProxyPassword = "pa@ss";
    private const string EncodedProxyPassword = "pa%40ss";

    // A session with no proxy (no HTTPS_PROXY): what these tests give install instead of this process's DefaultProxy.
    private static readonly IWebProxy NoSessionProxy = new WebProxy();
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private sealed class MemoryScheduler : IScheduler
    {
        public string Crontab { get; private set; } = "MAILTO=ti@municipio.gov.br\n";

        public int Registrations { get; private set; }

        public string Register(ScheduledJob job)
        {
            Crontab = ScheduleDefinitions.MergeCrontab(Crontab, job);
            Registrations++;
            return "in cron";
        }

        public void Unregister() => Crontab = ScheduleDefinitions.MergeCrontab(Crontab, null);

        public string? Current() => Crontab;
    }

    private string LayOutPecInstall()
    {
        var root = _dir.Combine("opt", "e-SUS");
        var config = Path.Combine(root, "webserver", "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "application.properties"),
            $"spring.datasource.url=jdbc:postgresql://127.0.0.1:{db.Server.Port}/{PecDatabaseFixture.Database}\nspring.datasource.username=postgres\nspring.datasource.password=\n");
        File.WriteAllText(Path.Combine(config, "credenciais.txt"),
            $"Usuário: postgres\nSenha: \n\nUsuário de leitura: {PecDatabaseFixture.ReadOnlyRole}\nSenha: {PecDatabaseFixture.ReadOnlyPassword}\n");
        return root;
    }

    private static Task<StubBackend> Backend() =>
        StubBackend.ForSite(PecDatabaseFixture.HipertensosCatalog() with { Site = Site }, request => request.Header("Authorization") == "Bearer pec_install");

    [Fact]
    public async Task One_command_finds_the_database_writes_an_owner_only_config_schedules_and_passes_doctor_and_reinstalling_changes_nothing()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("etc", "pec-uploader", "config.json");
        var options = new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath, SpoolDirectory: _dir.Combine("spool"), ExecutablePath: "/usr/local/bin/uploader") { ListSigningKey = TestSigning.PublicKey };
        using var output = new StringWriter();

        var exit = await new InstallCommand(options, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(configPath));
        }

        var config = UploaderConfig.Load(configPath);
        Assert.Equal((Site, "pec_install"), (config.Sites.Single().Ibge, config.Sites.Single().Token));
        Assert.Contains($"Username={PecDatabaseFixture.ReadOnlyRole}", config.Database.ConnectionString, StringComparison.Ordinal);
        var at = ScheduleTime.For(Site, new TimeOnly(1, 0), TimeSpan.FromHours(5));
        Assert.Contains($"{at.Minute} {at.Hour} * * * /usr/local/bin/uploader run --config {Path.GetFullPath(configPath)}", scheduler.Crontab, StringComparison.Ordinal);
        Assert.StartsWith("MAILTO=", scheduler.Crontab, StringComparison.Ordinal);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/heartbeats");
        Assert.Contains("Installed.", output.ToString(), StringComparison.Ordinal);

        var configBefore = await File.ReadAllTextAsync(configPath);
        Assert.DoesNotContain("\"proxy\"", configBefore, StringComparison.Ordinal); // no proxy anywhere: the system's, as before
        var crontabBefore = scheduler.Crontab;
        using var again = new StringWriter();
        Assert.Equal(ExitCodes.Ok, await new InstallCommand(options, again, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));

        Assert.Equal(configBefore, await File.ReadAllTextAsync(configPath));
        Assert.Equal(crontabBefore, scheduler.Crontab);
        Assert.Contains("config unchanged", again.ToString(), StringComparison.Ordinal);

        scheduler.Unregister();
        Assert.Equal("MAILTO=ti@municipio.gov.br\n", scheduler.Crontab);
    }

    [Fact]
    public async Task The_proxy_this_session_uses_is_recorded_for_the_scheduled_runs_without_showing_its_password_and_reruns_change_nothing()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress>(), require: new NetworkCredential("ti", ProxyPassword));
        var proxyUrl = $"http://ti:{EncodedProxyPassword}@127.0.0.1:{proxy.Port}";
        var session = new WebProxy(proxyUrl); // what HTTPS_PROXY gives HttpClient.DefaultProxy in the installer's shell
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("etc", "pec-uploader", "config.json");
        var options = new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath, SpoolDirectory: _dir.Combine("spool"), ExecutablePath: "/usr/local/bin/uploader") { ListSigningKey = TestSigning.PublicKey };
        using var output = new StringWriter();

        var exit = await new InstallCommand(options, output, scheduler, () => [pecRoot], session).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        Assert.Equal(proxyUrl, UploaderConfig.Load(configPath).Upload.Proxy);
        Assert.Contains($"ok    proxy http://127.0.0.1:{proxy.Port} recorded for the scheduled runs (", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(EncodedProxyPassword, output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"GET http://127.0.0.1:{backend.Endpoint.Port}/api/v1/lists HTTP/1.1", proxy.RequestLines); // the token check went through it
        Assert.Contains($"ti:{ProxyPassword}", proxy.Credentials);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/heartbeats");

        // Again from the same shell, then from one without HTTPS_PROXY (sudo -i, a new login): the recorded proxy stays.
        var configBefore = await File.ReadAllTextAsync(configPath);
        foreach (var again in new[] { session, NoSessionProxy })
        {
            using var rerun = new StringWriter();
            Assert.Equal(ExitCodes.Ok, await new InstallCommand(options, rerun, scheduler, () => [pecRoot], again).ExecuteAsync(CancellationToken.None));

            Assert.Equal(configBefore, await File.ReadAllTextAsync(configPath));
            Assert.Contains("config unchanged", rerun.ToString(), StringComparison.Ordinal);
            Assert.Contains($"proxy http://127.0.0.1:{proxy.Port} ", rerun.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(ProxyPassword, rerun.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(EncodedProxyPassword, rerun.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_proxy_option_is_recorded_over_the_sessions_and_direct_then_goes_around_both()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress>(), require: new NetworkCredential("ti", ProxyPassword));
        await using var sessionProxy = new ConnectProxy(new Dictionary<string, IPAddress>());
        var session = new WebProxy($"http://127.0.0.1:{sessionProxy.Port}");
        var configPath = _dir.Combine("config.json");
        var given = $"http://ti:{EncodedProxyPassword}@127.0.0.1:{proxy.Port}";
        var options = new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath, SpoolDirectory: _dir.Combine("spool"), ExecutablePath: "/usr/local/bin/uploader") { Proxy = given, ListSigningKey = TestSigning.PublicKey };
        using var output = new StringWriter();

        var exit = await new InstallCommand(options, output, new MemoryScheduler(), () => [pecRoot], session).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, output.ToString());
        Assert.Equal(given, UploaderConfig.Load(configPath).Upload.Proxy);
        Assert.Contains($"ok    proxy http://127.0.0.1:{proxy.Port} recorded for the scheduled runs (--proxy)", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(EncodedProxyPassword, output.ToString(), StringComparison.Ordinal);
        Assert.Contains($"GET http://127.0.0.1:{backend.Endpoint.Port}/api/v1/lists HTTP/1.1", proxy.RequestLines);
        Assert.Empty(sessionProxy.RequestLines);

        var throughTheProxy = proxy.RequestLines.Count;
        using var direct = new StringWriter();
        exit = await new InstallCommand(options with { Proxy = "direct" }, direct, new MemoryScheduler(), () => [pecRoot], session).ExecuteAsync(CancellationToken.None);

        Assert.True(exit == ExitCodes.Ok, direct.ToString());
        Assert.Equal("direct", UploaderConfig.Load(configPath).Upload.Proxy);
        Assert.Contains("ok    no proxy: the scheduled runs connect directly (--proxy direct)", direct.ToString(), StringComparison.Ordinal);
        Assert.Equal(throughTheProxy, proxy.RequestLines.Count);
        Assert.Empty(sessionProxy.RequestLines);
    }

    [Fact]
    public async Task A_proxy_option_that_is_not_an_http_address_stops_before_anything_is_written()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("config.json");
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath) { Proxy = "ftp://ti:s3cret@proxy", ListSigningKey = TestSigning.PublicKey }, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.False(File.Exists(configPath));
        Assert.Equal(0, scheduler.Registrations);
        Assert.Empty(backend.Requests);
        Assert.StartsWith("FAIL  --proxy must be 'direct' or a proxy's http:// address", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", output.ToString(), StringComparison.Ordinal);
    }

    private const string NotAnAddress = "FAIL  --endpoint must be the backend's address";
    private const string ClearText = "FAIL  --endpoint must be the backend's https:// address, not http://: the site token and the lists' personal data would travel in clear";

    [Theory]
    [InlineData("backend.example.gov.br", NotAnAddress)]
    [InlineData("ftp://backend.example.gov.br", NotAnAddress)]
    [InlineData("https//backend.example.gov.br", NotAnAddress)]
    [InlineData("http://backend.example.gov.br", ClearText)] // clear text to another machine
    [InlineData("http://192.168.0.10:7071", ClearText)]
    public async Task An_endpoint_that_is_not_an_https_address_stops_before_anything_is_written(string endpoint, string says)
    {
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("config.json");
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(endpoint, "pec_install", configPath) { ListSigningKey = TestSigning.PublicKey }, output, scheduler, () => [_dir.Combine("nowhere")], NoSessionProxy).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.False(File.Exists(configPath));
        Assert.Equal(0, scheduler.Registrations);
        Assert.StartsWith(says, output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>
    /// The real executable, with the token from standard input (<c>--token -</c>) or PEC_UPLOADER_TOKEN: the backend refuses
    /// it (so install stops before the config and the schedule), which shows it was the token sent.
    /// </summary>
    private async Task<(int ExitCode, string Output, StubBackend Backend)> InstallProcessAsync(IEnumerable<string> tokenArguments, IReadOnlyDictionary<string, string> environment, string? standardInput)
    {
        var backend = await StubBackend.StartAsync((context, _) => StubBackend.Status(context, 401));
        var (exit, output) = await UploaderProcess.RunAsync(
            [
                "install", "--endpoint", backend.Endpoint.ToString(), .. tokenArguments, "--db", db.ReadOnlyConnectionString,
                "--config", _dir.Combine("config.json"), "--spool", _dir.Combine("spool"), "--log-dir", _dir.Combine("logs"),
                "--list-signing-key", TestSigning.PublicKey, "--proxy", "direct",
            ],
            environment,
            standardInput);
        return (exit, output, backend);
    }

    [Fact]
    public async Task The_token_is_read_from_standard_input_with_a_dash()
    {
        var (exit, output, backend) = await InstallProcessAsync(["--token", "-"], new Dictionary<string, string>(), "pec_from_stdin\n");
        await using var _ = backend;

        Assert.True(exit == ExitCodes.Token, output);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/lists" && r.Header("Authorization") == "Bearer pec_from_stdin");
        Assert.False(File.Exists(_dir.Combine("config.json")));
    }

    [Fact]
    public async Task The_token_is_read_from_PEC_UPLOADER_TOKEN_when_not_given()
    {
        var (exit, output, backend) = await InstallProcessAsync([], new Dictionary<string, string> { ["PEC_UPLOADER_TOKEN"] = "pec_from_env" }, null);
        await using var _ = backend;

        Assert.True(exit == ExitCodes.Token, output);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/lists" && r.Header("Authorization") == "Bearer pec_from_env");
    }

    [Fact]
    public async Task Without_a_token_anywhere_install_says_where_to_give_it()
    {
        var (exit, output, backend) = await InstallProcessAsync(["--token", "-"], new Dictionary<string, string>(), string.Empty);
        await using var _ = backend;

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("FAIL  no site token: pipe it to '--token -' (or type it), or set PEC_UPLOADER_TOKEN.", output, StringComparison.Ordinal);
        Assert.Empty(backend.Requests);
    }

    [Fact]
    public void The_token_comes_from_the_option_standard_input_or_the_environment_in_that_order()
    {
        static string? Env(string name) => name == "PEC_UPLOADER_TOKEN" ? " pec_env " : null;

        Assert.Equal("pec_stdin", InstallToken.Resolve("-", new StringReader("pec_stdin\r\nignored\n"), Env));
        Assert.Equal("pec_arg", InstallToken.Resolve("pec_arg", new StringReader("pec_stdin\n"), Env));
        Assert.Equal("pec_env", InstallToken.Resolve(null, new StringReader("pec_stdin\n"), Env));
        Assert.Null(InstallToken.Resolve("-", new StringReader("  \n"), Env));
        Assert.Null(InstallToken.Resolve(null, new StringReader(string.Empty), _ => null));
    }

    [Fact]
    public async Task A_wrong_token_stops_before_anything_is_written()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("config.json");
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(backend.Endpoint.ToString(), "pec_wrong", configPath) { ListSigningKey = TestSigning.PublicKey }, output, scheduler, () => [pecRoot]).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Token, exit);
        Assert.False(File.Exists(configPath));
        Assert.Equal(0, scheduler.Registrations);
        Assert.Contains("refused the token", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_pec_install_it_asks_for_the_connection_instead_of_guessing()
    {
        await using var backend = await Backend();
        using var output = new StringWriter();

        var exit = await new InstallCommand(new InstallOptions(backend.Endpoint.ToString(), "pec_install", _dir.Combine("c.json")) { ListSigningKey = TestSigning.PublicKey }, output, new MemoryScheduler(), () => [_dir.Combine("nowhere")]).ExecuteAsync(CancellationToken.None);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("--db", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_list_signing_key_is_required_pinned_from_base64_or_a_PEM_file_kept_by_reruns_and_replaced_only_when_given()
    {
        var pecRoot = LayOutPecInstall();
        await using var backend = await Backend();
        var scheduler = new MemoryScheduler();
        var configPath = _dir.Combine("config.json");
        var options = new InstallOptions(backend.Endpoint.ToString(), "pec_install", configPath, SpoolDirectory: _dir.Combine("spool"), ExecutablePath: "/usr/local/bin/uploader");

        // Without it: refused before anything is written.
        using (var output = new StringWriter())
        {
            Assert.Equal(ExitCodes.Config, await new InstallCommand(options, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));
            Assert.False(File.Exists(configPath));
            Assert.Contains("FAIL  --list-signing-key is required", output.ToString(), StringComparison.Ordinal);
        }

        // Something else than a P-256 public key: refused, naming the option.
        using (var output = new StringWriter())
        {
            Assert.Equal(ExitCodes.Config, await new InstallCommand(options with { ListSigningKey = "not a key" }, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));
            Assert.False(File.Exists(configPath));
            Assert.Contains("FAIL  --list-signing-key must be the operator's public key", output.ToString(), StringComparison.Ordinal);
        }

        // The PEM file the operator handed over: pinned as base64, and doctor finds the served lists signed by it.
        var pem = _dir.Combine("operator.pub.pem");
        await File.WriteAllTextAsync(pem, new string(System.Security.Cryptography.PemEncoding.Write("PUBLIC KEY", Convert.FromBase64String(TestSigning.PublicKey))));
        using (var output = new StringWriter())
        {
            Assert.Equal(ExitCodes.Ok, await new InstallCommand(options with { ListSigningKey = pem }, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));
            Assert.Equal(TestSigning.PublicKey, UploaderConfig.Load(configPath).ListSigningKey);
            Assert.Contains($"list-signing key {TestSigning.KeyId} pinned", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("[ok  ] list-signatures", output.ToString(), StringComparison.Ordinal);
        }

        // A re-run without the option keeps it; with another key it is replaced, and the served lists no longer verify.
        using (var output = new StringWriter())
        {
            Assert.Equal(ExitCodes.Ok, await new InstallCommand(options, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));
            Assert.Equal(TestSigning.PublicKey, UploaderConfig.Load(configPath).ListSigningKey);
            Assert.Contains($"list-signing key {TestSigning.KeyId} kept", output.ToString(), StringComparison.Ordinal);
        }

        using var other = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var otherKey = Convert.ToBase64String(other.ExportSubjectPublicKeyInfo());
        using (var output = new StringWriter())
        {
            Assert.Equal(ExitCodes.DefinitionSignature, await new InstallCommand(options with { ListSigningKey = otherKey }, output, scheduler, () => [pecRoot], NoSessionProxy).ExecuteAsync(CancellationToken.None));
            Assert.Equal(otherKey, UploaderConfig.Load(configPath).ListSigningKey);
            Assert.Contains($"replacing {TestSigning.KeyId}", output.ToString(), StringComparison.Ordinal);
            Assert.Contains("[FAIL] list-signatures", output.ToString(), StringComparison.Ordinal);
        }
    }
}
