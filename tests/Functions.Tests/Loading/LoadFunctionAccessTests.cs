using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using PecLists.Functions.Hosting;
using PecLists.Functions.Http;
using PecLists.Functions.Loading;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Loading;

/// <summary>The queue-triggered load function answers the Functions host on loopback only, whatever --urls binds.</summary>
[Collection(InfraCollection.Name)]
public sealed class LoadFunctionAccessTests(InfraFixture infra)
{
    private static IPAddress? NonLoopbackAddress() => NetworkInterface.GetAllNetworkInterfaces()
        .Where(n => n.OperationalStatus == OperationalStatus.Up)
        .SelectMany(n => n.GetIPProperties().UnicastAddresses)
        .Select(a => a.Address)
        .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));

    [Fact]
    public async Task A_load_invocation_from_another_address_is_refused_even_when_the_handler_listens_on_every_interface()
    {
        Assert.True(HostFunctions.IsFromHost(IPAddress.Loopback));
        Assert.True(HostFunctions.IsFromHost(IPAddress.IPv6Loopback));
        Assert.False(HostFunctions.IsFromHost(IPAddress.Parse("192.0.2.10")));
        if (NonLoopbackAddress() is not { } external)
        {
            return; // no other interface on this machine: the rule above is all that can be shown
        }

        var port = FreePort.Next();
        await using var app = FunctionsApp.Build([$"--urls=http://0.0.0.0:{port}", $"--ConnectionStrings:Central={infra.CentralConnection}", $"--IngestStorage={infra.Azurite.ConnectionString}"]);
        await app.StartAsync();
        using var http = new HttpClient();
        const string Invocation = """{"Data":{"msg":"\"not a load message\""},"Metadata":{}}""";

        using var fromOutside = await http.PostAsync($"http://{external}:{port}/load", new StringContent(Invocation, System.Text.Encoding.UTF8, "application/json"));
        using var fromHost = await http.PostAsync($"http://127.0.0.1:{port}/load", new StringContent(Invocation, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, fromOutside.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, fromHost.StatusCode); // reached the function: a malformed message
        await app.StopAsync();
    }
}
