using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PecLists.Uploader.Tests;

/// <summary>Self-signed server certificates made in the test, and their PEM for a trust store (SSL_CERT_FILE).</summary>
public static class TestCertificate
{
    public static X509Certificate2 Create(params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames.FirstOrDefault() ?? "localhost"}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames.Append("localhost").Distinct(StringComparer.Ordinal))
        {
            names.AddDnsName(name);
        }

        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false)); // server authentication
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(7));
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null); // a key Kestrel can use everywhere
    }

    public static string WritePem(X509Certificate2 certificate, string path)
    {
        File.WriteAllText(path, certificate.ExportCertificatePem() + "\n");
        return path;
    }
}

/// <summary>
/// A forward proxy for HTTPS: answers "CONNECT host:port" with 200 and pipes bytes both ways; a plain-HTTP request in
/// absolute form ("GET http://host:port/path HTTP/1.1") is passed on as is to that host, and the connection piped
/// from then on. It resolves names only from its own table (so it can reach hosts this machine cannot resolve),
/// answers 502 for others, and records every request line it was sent and every Basic credential it was shown. Given
/// a credential to require, it answers 407 (and closes) to any request without it. As a <see cref="Relay"/> it pipes
/// every connection to one address without a CONNECT. It counts the bytes clients send; everything it opened is
/// closed on dispose.
/// </summary>
public sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly IReadOnlyDictionary<string, IPAddress> _names;
    private readonly IPEndPoint? _relayTo;
    private readonly NetworkCredential? _required;
    private readonly ConcurrentQueue<string> _requestLines = new();
    private readonly ConcurrentQueue<string> _credentials = new();
    private readonly ConcurrentBag<IDisposable> _open = [];
    private readonly ConcurrentBag<Task> _connections = [];
    private readonly Task _accepting;
    private long _bytesFromClients;

    public ConnectProxy(IReadOnlyDictionary<string, IPAddress> names, IPEndPoint? relayTo = null, NetworkCredential? require = null)
    {
        _names = names;
        _relayTo = relayTo;
        _required = require;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>Pipes every connection to <paramref name="target"/> as is: a wire the tests can measure.</summary>
    public static ConnectProxy Relay(IPEndPoint target) => new(new Dictionary<string, IPAddress>(), target);

    public int Port { get; }

    /// <summary>The first line of every request received, e.g. "CONNECT backend.invalid:443 HTTP/1.1".</summary>
    public IReadOnlyCollection<string> RequestLines => [.. _requestLines];

    /// <summary>"user:password" of every Proxy-Authorization: Basic header received, decoded.</summary>
    public IReadOnlyCollection<string> Credentials => [.. _credentials];

    /// <summary>Every byte read from clients (CONNECT heads included): what they put on the wire.</summary>
    public long BytesFromClients => Interlocked.Read(ref _bytesFromClients);

    private async Task AcceptAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _open.Add(client);
            _connections.Add(ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var downstream = client.GetStream();
            var target = _relayTo;
            string? forward = null;
            if (target is null)
            {
                var head = await ReadHeadAsync(downstream);
                var requestLine = head.Split("\r\n")[0];
                _requestLines.Enqueue(requestLine);
                var credential = BasicCredential(head);
                if (credential is not null)
                {
                    _credentials.Enqueue(credential);
                }

                if (_required is not null && credential != $"{_required.UserName}:{_required.Password}")
                {
                    await downstream.WriteAsync("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                    await DrainAsync(client.Client, downstream); // a request body left unread would turn the close into a reset
                    return;
                }

                (target, forward) = requestLine.Split(' ') switch
                {
                    ["CONNECT", var authority, _] => (Target(authority), null),
                    [_, var absolute, _] when Uri.TryCreate(absolute, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp => (Target($"{uri.Host}:{uri.Port}"), head),
                    _ => (null, null),
                };
                if (target is null)
                {
                    await downstream.WriteAsync("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray(), _stop.Token);
                    return;
                }
            }

            var upstreamClient = new TcpClient();
            _open.Add(upstreamClient);
            await upstreamClient.ConnectAsync(target, _stop.Token);
            if (forward is not null)
            {
                await upstreamClient.GetStream().WriteAsync(Encoding.ASCII.GetBytes(forward), _stop.Token); // the server takes the absolute form
            }
            else if (_relayTo is null)
            {
                await downstream.WriteAsync("HTTP/1.1 200 Connection established\r\n\r\n"u8.ToArray(), _stop.Token);
            }

            var upstream = upstreamClient.GetStream();
            await Task.WhenAll(PipeAsync(downstream, upstream, upstreamClient.Client, counted: true), PipeAsync(upstream, downstream, client.Client, counted: false));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException or FormatException)
        {
            // The client, the server or the test went away.
        }
        finally
        {
            client.Dispose();
        }
    }

    private static string? BasicCredential(string head)
    {
        const string Prefix = "Proxy-Authorization: Basic ";
        var line = head.Split("\r\n").FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase));
        return line is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(line[Prefix.Length..].Trim()));
    }

    /// <summary>Stops sending and reads what the client still sends until it closes (it was told to), or 10 s pass.</summary>
    private async Task DrainAsync(Socket socket, NetworkStream stream)
    {
        socket.Shutdown(SocketShutdown.Send);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var buffer = new byte[16_384];
        while (await stream.ReadAsync(buffer, timeout.Token) > 0)
        {
            // Discarded.
        }
    }

    private IPEndPoint? Target(string authority)
    {
        var colon = authority.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(authority.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }

        var host = authority[..colon].Trim('[', ']');
        return _names.TryGetValue(host, out var address) || IPAddress.TryParse(host, out address) ? new IPEndPoint(address, port) : null;
    }

    /// <summary>Reads up to the blank line, byte by byte: nothing of the tunnel after it is consumed.</summary>
    private async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var head = new List<byte>();
        var one = new byte[1];
        while (head.Count < 16_384)
        {
            if (await stream.ReadAsync(one, _stop.Token) == 0)
            {
                throw new IOException("The client closed before the end of the request head.");
            }

            Interlocked.Increment(ref _bytesFromClients);
            head.Add(one[0]);
            if (head.Count >= 4 && head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n')
            {
                return Encoding.ASCII.GetString([.. head]);
            }
        }

        throw new FormatException("Request head too long.");
    }

    private async Task PipeAsync(Stream from, Stream to, Socket toSocket, bool counted)
    {
        try
        {
            var buffer = new byte[81_920];
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                if (counted)
                {
                    Interlocked.Add(ref _bytesFromClients, read);
                }

                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }

            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side closed: the other copy ends when its socket is closed.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var open in _open)
        {
            open.Dispose();
        }

        await _accepting;
        await Task.WhenAll(_connections);
        _listener.Dispose();
        _stop.Dispose();
    }
}

/// <summary>The real uploader run as a child process, killed if it outlives the test.</summary>
public static class UploaderProcess
{
    // What a child could inherit from this machine that changes how it reaches the network.
    private static readonly string[] NetworkVariables =
        ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR"];

    /// <summary>
    /// The uploader project's own build output in this test run's configuration (bin/Debug or bin/Release). Not the
    /// copy in this test's folder: there the packages ASP.NET Core's framework provides (logging abstractions) are
    /// left out, and the uploader runs without that framework.
    /// </summary>
    public static string Dll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
            var dll = Path.Combine(LocalInfra.RepoPaths.Root, "uploader", "bin", configuration, "net10.0", "uploader.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the uploader project first.", dll);
        }
    }

    public static async Task<(int ExitCode, string Output)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string? standardInput = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in NetworkVariables)
        {
            start.Environment.Remove(name);
        }

        start.Environment.Remove(PecLists.Uploader.Commands.InstallToken.EnvironmentVariable); // only when a test gives it
        start.Environment["LC_ALL"] = "en_US.UTF-8"; // messages in English whatever this machine's locale
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet.");
        try
        {
            if (standardInput is not null)
            {
                await process.StandardInput.WriteAsync(standardInput);
                process.StandardInput.Close();
            }

            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
    }
}
