using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using PecLists.Contracts;
using LocalInfra;
using Microsoft.AspNetCore.Http;
using Xunit.Abstractions;

namespace PecLists.Uploader.Tests;

/// <summary>
/// The real uploader's doctor in a child process (the proxy and the trust store are read once per process from its
/// environment) against an HTTPS stub backend: behind a CONNECT proxy, and with and without trusting its certificate.
/// </summary>
[Collection(PecDatabaseCollection.Name)]
public sealed class DoctorNetworkTests(PecDatabaseFixture db, ITestOutputHelper log) : IDisposable
{
    private const string ProxyPassword = "s3cret-proxy-pw";

    // Reserved (RFC 2606): no resolver answers for it, so only the proxy's own table can.
    private const string BackendName = "backend.invalid";

    private static readonly JsonSerializerOptions WithoutNulls = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Task<StubBackend> HttpsBackend(X509Certificate2 certificate, string host) => StubBackend.StartAsync(
        async (context, request) =>
        {
            switch (request.Path)
            {
                case "/api/v1/health":
                    await context.Response.WriteAsync("{\"status\":\"ok\"}");
                    break;
                case "/api/v1/lists":
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync(JsonSerializer.Serialize(PecDatabaseFixture.HipertensosCatalog(), ContractsJsonContext.Default.ListCatalogDto));
                    break;
                default:
                    context.Response.StatusCode = StatusCodes.Status204NoContent;
                    break;
            }
        },
        new StubOptions { Certificate = certificate, Host = host });

    private string WriteConfig(Uri endpoint, string? proxy = null)
    {
        var path = _dir.Combine("config.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new
        {
            endpoint = endpoint.ToString(),
            sites = new[] { new { ibge = "2304400", token = "pec_doctor" } },
            database = new { connectionString = db.ReadOnlyConnectionString },
            spoolDirectory = _dir.Combine("spool"),
            logDirectory = _dir.Combine("logs"),
            language = "en",
            upload = proxy is null ? null : new { proxy },
            listSigningKey = TestSigning.PublicKey,
        }, WithoutNulls));
        return path;
    }

    private async Task<(int ExitCode, string Output)> DoctorAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var (exit, output) = await UploaderProcess.RunAsync(arguments, environment);
        log.WriteLine($"exit {exit}\n{output}");
        return (exit, output);
    }

    private static string Line(string output, string check) =>
        output.Split('\n').FirstOrDefault(l => l.Contains($"] {check} ", StringComparison.Ordinal)) ?? $"(no {check} line)";

    private static string FixAfter(string output, string check)
    {
        var lines = output.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains($"] {check} ", StringComparison.Ordinal));
        return at >= 0 && at + 1 < lines.Length && lines[at + 1].TrimStart().StartsWith("fix:", StringComparison.Ordinal) ? lines[at + 1] : "(no fix line)";
    }

    private static async Task<int> ClosedPortAsync()
    {
        var port = FreePort.Next();
        await BackendClientTests.AssertNothingListensAsync(port);
        return port;
    }

    [Fact]
    public async Task Behind_a_proxy_doctor_resolves_the_proxy_not_the_endpoint_and_reaches_the_backend_through_it()
    {
        using var certificate = TestCertificate.Create(BackendName);
        await using var backend = await HttpsBackend(certificate, BackendName);
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress> { [BackendName] = IPAddress.Loopback });
        await Assert.ThrowsAnyAsync<SocketException>(() => Dns.GetHostAddressesAsync(BackendName)); // this machine cannot resolve it
        var proxyUrl = $"http://uploader:{ProxyPassword}@localhost:{proxy.Port}";

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(backend.Endpoint)], new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = proxyUrl,
            ["HTTP_PROXY"] = proxyUrl,
            ["NO_PROXY"] = string.Empty,
            ["SSL_CERT_FILE"] = TestCertificate.WritePem(certificate, _dir.Combine("trusted.pem")),
        });

        AssertReachedThroughProxy(output, proxy, backend);
        Assert.All(proxy.RequestLines, l => Assert.StartsWith("CONNECT ", l, StringComparison.Ordinal));
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/health");
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/lists" && r.Header("Authorization") == "Bearer pec_doctor");
        Assert.NotEqual(ExitCodes.Network, exit);
    }

    [Fact]
    public async Task With_no_proxy_in_the_environment_the_config_proxy_carries_doctor_to_the_backend_as_cron_would_run_it()
    {
        using var certificate = TestCertificate.Create(BackendName);
        await using var backend = await HttpsBackend(certificate, BackendName);
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress> { [BackendName] = IPAddress.Loopback }, require: new NetworkCredential("uploader", ProxyPassword + "@"));
        var configured = $"http://uploader:{Uri.EscapeDataString(ProxyPassword + "@")}@localhost:{proxy.Port}";

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(backend.Endpoint, configured)], new Dictionary<string, string>
        {
            ["SSL_CERT_FILE"] = TestCertificate.WritePem(certificate, _dir.Combine("trusted.pem")), // and no HTTPS_PROXY
        });

        AssertReachedThroughProxy(output, proxy, backend);
        Assert.Contains($"uploader:{ProxyPassword}@", proxy.Credentials);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/lists" && r.Header("Authorization") == "Bearer pec_doctor");
        Assert.NotEqual(ExitCodes.Network, exit);
    }

    [Fact]
    public async Task Direct_in_the_config_goes_around_the_HTTPS_PROXY_of_the_environment()
    {
        using var certificate = TestCertificate.Create();
        await using var backend = await HttpsBackend(certificate, "localhost");
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress> { ["localhost"] = IPAddress.Loopback });

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(backend.Endpoint, "direct")], new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = $"http://127.0.0.1:{proxy.Port}",
            ["SSL_CERT_FILE"] = TestCertificate.WritePem(certificate, _dir.Combine("trusted.pem")),
        });

        Assert.StartsWith("[ok  ] dns", Line(output, "dns"), StringComparison.Ordinal);
        Assert.DoesNotContain("via proxy", output, StringComparison.Ordinal);
        Assert.StartsWith("[ok  ] backend", Line(output, "backend"), StringComparison.Ordinal);
        Assert.StartsWith("[ok  ] token", Line(output, "token"), StringComparison.Ordinal);
        Assert.Empty(proxy.RequestLines);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/health");
        Assert.NotEqual(ExitCodes.Network, exit);
    }

    [Fact]
    public async Task A_config_proxy_that_is_down_is_named_with_upload_proxy_as_where_to_fix_it()
    {
        var proxyPort = await ClosedPortAsync();

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(new Uri($"https://{BackendName}/"), $"http://uploader:{ProxyPassword}@localhost:{proxyPort}")], new Dictionary<string, string>());

        Assert.True(exit == ExitCodes.Network, output);
        Assert.Contains($"cannot connect to the proxy http://localhost:{proxyPort}", Line(output, "backend"), StringComparison.Ordinal);
        Assert.Contains("upload.proxy in the config", FixAfter(output, "backend"), StringComparison.Ordinal);
        Assert.Contains("uploader install --proxy", FixAfter(output, "backend"), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_that_is_down_is_named_in_the_backend_failure_and_its_fix()
    {
        var proxyPort = await ClosedPortAsync();

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(new Uri($"https://{BackendName}/"))], new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = $"http://uploader:{ProxyPassword}@localhost:{proxyPort}",
        });

        var proxy = $"http://localhost:{proxyPort}";
        Assert.True(exit == ExitCodes.Network, output);
        Assert.StartsWith("[ok  ] dns", Line(output, "dns"), StringComparison.Ordinal);
        Assert.StartsWith("[FAIL] backend", Line(output, "backend"), StringComparison.Ordinal);
        Assert.Contains($"cannot connect to the proxy {proxy}", Line(output, "backend"), StringComparison.Ordinal);
        Assert.Contains($"the proxy {proxy} running", FixAfter(output, "backend"), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_whose_name_does_not_resolve_fails_the_dns_check_with_a_fix_naming_the_proxy()
    {
        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(new Uri("https://backend.example.org/"))], new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = $"http://uploader:{ProxyPassword}@proxy.invalid:3128",
        });

        Assert.True(exit == ExitCodes.Network, output);
        Assert.StartsWith("[FAIL] dns", Line(output, "dns"), StringComparison.Ordinal);
        Assert.Contains("the proxy's host proxy.invalid does not resolve", Line(output, "dns"), StringComparison.Ordinal);
        Assert.Contains("http://proxy.invalid:3128", FixAfter(output, "dns"), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_proxy_that_refuses_the_tunnel_is_named_with_the_endpoint_it_would_not_reach()
    {
        await using var proxy = new ConnectProxy(new Dictionary<string, IPAddress>()); // knows no names: 502 to every CONNECT

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(new Uri($"https://{BackendName}/"))], new Dictionary<string, string>
        {
            ["HTTPS_PROXY"] = $"http://uploader:{ProxyPassword}@127.0.0.1:{proxy.Port}",
        });

        Assert.True(exit == ExitCodes.Network, output);
        Assert.StartsWith("[ok  ] dns", Line(output, "dns"), StringComparison.Ordinal);
        Assert.EndsWith($" {BackendName} via proxy http://127.0.0.1:{proxy.Port}", Line(output, "dns").TrimEnd(), StringComparison.Ordinal); // an IP: nothing to resolve
        Assert.Contains($"the proxy http://127.0.0.1:{proxy.Port} would not open a tunnel to {BackendName}:443", Line(output, "backend"), StringComparison.Ordinal);
        Assert.Contains("network administrator", FixAfter(output, "backend"), StringComparison.Ordinal);
        Assert.Contains($"CONNECT {BackendName}:443 HTTP/1.1", proxy.RequestLines);
        Assert.DoesNotContain(ProxyPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_certificate_this_machine_does_not_trust_fails_the_backend_check_with_a_TLS_specific_fix()
    {
        using var certificate = TestCertificate.Create();
        await using var backend = await HttpsBackend(certificate, "localhost");

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(backend.Endpoint)], new Dictionary<string, string>());

        Assert.True(exit == ExitCodes.Network, output);
        Assert.StartsWith("[FAIL] backend", Line(output, "backend"), StringComparison.Ordinal);
        Assert.Contains("the server's certificate is not trusted by this machine", Line(output, "backend"), StringComparison.Ordinal);
        var fix = FixAfter(output, "backend");
        Assert.Contains("intercepting", fix, StringComparison.Ordinal);
        Assert.Contains("OS certificate store", fix, StringComparison.Ordinal);
        Assert.Contains("clock", fix, StringComparison.Ordinal);
        Assert.DoesNotContain(backend.Requests, r => r.Path == "/api/v1/health"); // refused at the handshake
    }

    [Fact]
    public async Task The_same_certificate_in_the_trust_store_the_OS_gives_OpenSSL_passes_the_backend_check()
    {
        using var certificate = TestCertificate.Create();
        await using var backend = await HttpsBackend(certificate, "localhost");

        var (exit, output) = await DoctorAsync(["doctor", "--config", WriteConfig(backend.Endpoint)], new Dictionary<string, string>
        {
            ["SSL_CERT_FILE"] = TestCertificate.WritePem(certificate, _dir.Combine("trusted.pem")),
        });

        Assert.StartsWith("[ok  ] backend", Line(output, "backend"), StringComparison.Ordinal);
        Assert.StartsWith("[ok  ] token", Line(output, "token"), StringComparison.Ordinal);
        Assert.Contains(backend.Requests, r => r.Path == "/api/v1/health");
        Assert.NotEqual(ExitCodes.Network, exit);
    }

    /// <summary>dns, backend and token passed through <paramref name="proxy"/>, which tunnelled to the backend; no password shown.</summary>
    private static void AssertReachedThroughProxy(string output, ConnectProxy proxy, StubBackend backend)
    {
        var via = $"via proxy http://localhost:{proxy.Port}";
        Assert.StartsWith("[ok  ] dns", Line(output, "dns"), StringComparison.Ordinal);
        Assert.Contains($"{BackendName} {via} (localhost resolves to ", Line(output, "dns"), StringComparison.Ordinal);
        Assert.StartsWith("[ok  ] backend", Line(output, "backend"), StringComparison.Ordinal);
        Assert.EndsWith(via, Line(output, "backend").TrimEnd(), StringComparison.Ordinal);
        Assert.StartsWith("[ok  ] token", Line(output, "token"), StringComparison.Ordinal);
        Assert.DoesNotContain(ProxyPassword, output, StringComparison.Ordinal);
        Assert.Contains($"CONNECT {BackendName}:{backend.Endpoint.Port} HTTP/1.1", proxy.RequestLines);
    }
}
