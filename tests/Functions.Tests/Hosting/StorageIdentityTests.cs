using System.Net;
using System.Text;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using LocalInfra;
using Microsoft.Extensions.Configuration;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Tests.Hosting;

/// <summary>
/// The Azure form of the "IngestStorage" connection (the Functions host's setting names) builds clients pointing at the
/// configured service URIs that sign requests with a token for the configured user-assigned identity. No Azure call: the
/// identity endpoint is a local stand-in for App Service's (IDENTITY_ENDPOINT / IDENTITY_HEADER), storage a recording
/// transport.
/// </summary>
[Collection(EnvironmentVariableCollection.Name)]
public sealed class StorageIdentityTests
{
    private const string BlobUri = "https://pecstore.blob.core.windows.net/";
    private const string QueueUri = "https://pecstore.queue.core.windows.net/";

    [Fact]
    public void Service_URIs_and_managed_identity_build_clients_for_those_URIs()
    {
        var configuration = Identity(Guid.NewGuid().ToString());

        var blobs = StorageClients.CreateBlobs(configuration);
        var queues = StorageClients.CreateQueues(configuration);

        Assert.Equal(new Uri(BlobUri), blobs.Uri);
        Assert.Equal(new Uri(QueueUri), queues.Uri);
        Assert.Equal("pecstore", blobs.AccountName);
        Assert.Equal("pecstore", queues.AccountName);
        Assert.IsType<ManagedIdentityCredential>(StorageClients.Credential(configuration));
        Assert.Empty(new IngestStorageOptionsValidator().Validate(null, StorageClients.ReadOptions(configuration)).Failures ?? []);
    }

    [Fact]
    public void A_connection_string_still_wins_as_it_does_for_the_host()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["IngestStorage"] = "UseDevelopmentStorage=true",
            ["IngestStorage:blobServiceUri"] = BlobUri,
        }).Build();

        Assert.Equal("devstoreaccount1", StorageClients.CreateBlobs(configuration).AccountName);
    }

    [Fact]
    public async Task Requests_carry_a_token_of_the_configured_identity()
    {
        var clientId = Guid.NewGuid().ToString();
        var token = "token-" + Guid.NewGuid().ToString("N");
        await using var identityEndpoint = await FakeIdentityEndpoint.StartAsync(token);
        using var environment = new EnvironmentVariables(
            ("IDENTITY_ENDPOINT", identityEndpoint.Url),
            ("IDENTITY_HEADER", FakeIdentityEndpoint.Header),
            ("MSI_ENDPOINT", null),
            ("MSI_SECRET", null),
            ("IDENTITY_SERVER_THUMBPRINT", null));
        var storage = new RecordingHandler();
        var blobs = StorageClients.CreateBlobs(
            Identity(clientId),
            new BlobClientOptions { Transport = new HttpClientTransport(new HttpClient(storage)), Retry = { MaxRetries = 0 } },
            factory: null);

        await blobs.GetBlobContainerClient("snapshots").ExistsAsync();

        Assert.Equal($"Bearer {token}", storage.Authorization);
        Assert.StartsWith(BlobUri + "snapshots", storage.RequestUri, StringComparison.Ordinal);
        var asked = Assert.Single(identityEndpoint.Requests);
        Assert.Contains($"client_id={clientId}", asked, StringComparison.Ordinal);
        Assert.Contains("storage.azure.com", Uri.UnescapeDataString(asked), StringComparison.Ordinal);
    }

    private static IConfiguration Identity(string clientId) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["IngestStorage:blobServiceUri"] = BlobUri,
        ["IngestStorage:queueServiceUri"] = QueueUri,
        ["IngestStorage:credential"] = "managedidentity",
        ["IngestStorage:clientId"] = clientId,
    }).Build();

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public string? Authorization { get; private set; }

        public string RequestUri { get; private set; } = string.Empty;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Authorization = request.Headers.Authorization?.ToString();
            RequestUri = request.RequestUri!.ToString();
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) });
        }
    }
}

/// <summary>App Service's managed identity endpoint, as Azure.Identity calls it: GET ?resource=…&amp;client_id=… with X-IDENTITY-HEADER.</summary>
internal sealed class FakeIdentityEndpoint : IAsyncDisposable
{
    public const string Header = "fake-identity-header";

    private readonly HttpListener _listener;
    private readonly Task _serving;
    private readonly string _token;

    private FakeIdentityEndpoint(HttpListener listener, string url, string token)
    {
        _listener = listener;
        Url = url;
        _token = token;
        _serving = Task.Run(ServeAsync);
    }

    public string Url { get; }

    public List<string> Requests { get; } = [];

    public static Task<FakeIdentityEndpoint> StartAsync(string token)
    {
        var prefix = $"http://127.0.0.1:{FreePort.Next()}/msi/";
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        listener.Start();
        return Task.FromResult(new FakeIdentityEndpoint(listener, prefix + "token", token));
    }

    public async ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Close();
        try
        {
            await _serving;
        }
        catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
        {
        }
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            var authorised = context.Request.Headers["X-IDENTITY-HEADER"] == Header;
            lock (Requests)
            {
                Requests.Add(context.Request.Url!.Query);
            }

            var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
            var body = authorised
                ? $$"""{"access_token":"{{_token}}","expires_on":"{{expires}}","resource":"https://storage.azure.com","token_type":"Bearer"}"""
                : """{"error":"bad header"}""";
            context.Response.StatusCode = authorised ? 200 : 400;
            context.Response.ContentType = "application/json";
            var bytes = Encoding.UTF8.GetBytes(body);
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }
}

/// <summary>Sets process environment variables for one test and restores them.</summary>
internal sealed class EnvironmentVariables : IDisposable
{
    private readonly List<(string Name, string? Old)> _saved = [];

    public EnvironmentVariables(params (string Name, string? Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            _saved.Add((name, Environment.GetEnvironmentVariable(name)));
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, old) in _saved)
        {
            Environment.SetEnvironmentVariable(name, old);
        }
    }
}

/// <summary>Tests that change process environment variables run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentVariableCollection
{
    public const string Name = "process environment";
}
