using LocalInfra;

namespace HostStandIn.Tests;

/// <summary>One real Azurite for the queue conformance tests.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    public AzuriteServer Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await AzuriteServer.StartAsync();

    public Task DisposeAsync() => Azurite.DisposeAsync().AsTask();
}
