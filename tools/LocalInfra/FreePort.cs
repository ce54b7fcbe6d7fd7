using System.Net;
using System.Net.Sockets;

namespace LocalInfra;

public static class FreePort
{
    /// <summary>A loopback port that was free a moment ago (the OS picks it).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a TCP connection to 127.0.0.1:<paramref name="port"/> succeeds; a <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public static Task WaitUntilListeningAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null) =>
        Eventually.UntilAsync(
            () => RefusalAsync(port), refusal => refusal is null, timeout, $"something listening on 127.0.0.1:{port}", TimeSpan.FromMilliseconds(100),
            refusal => refusal ?? "listening", diagnostics);

    /// <summary>Why a connection to the port failed, or null once it succeeds.</summary>
    private static async Task<string?> RefusalAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return null;
        }
        catch (SocketException ex)
        {
            return $"{ex.SocketErrorCode}: {ex.Message}";
        }
    }
}
