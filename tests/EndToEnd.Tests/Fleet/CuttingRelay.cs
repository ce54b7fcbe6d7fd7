using System.Net;
using System.Net.Sockets;

namespace EndToEnd.Tests.Fleet;

/// <summary>
/// A TCP relay to the backend that resets any connection once more than <c>cutAfterBytes</c> went upstream: small
/// requests (list definitions, heartbeats) pass, a snapshot upload dies mid-body, like a link or a proxy that drops
/// long transfers. Used as the endpoint it is a network fault; used as the configured proxy, a proxy fault (an HTTP
/// proxy is sent absolute-form requests, which the backend's Kestrel serves as they are).
/// </summary>
public sealed class CuttingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly long _cutAfterBytes;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    public CuttingRelay(int targetPort, long cutAfterBytes)
    {
        _targetPort = targetPort;
        _cutAfterBytes = cutAfterBytes;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections this relay has cut.</summary>
    public int Cuts { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(Socket client)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using (client)
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                var down = PumpAsync(server, client, long.MaxValue);
                var up = PumpAsync(client, server, _cutAfterBytes);
                await Task.WhenAny(up, down);
                if (up.IsCompleted && await up)
                {
                    Cuts++;
                }

                // A reset, not a polite close: what a dropped link looks like to the uploader.
                client.LingerState = new LingerOption(true, 0);
                server.LingerState = new LingerOption(true, 0);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>Copies until the source closes (false) or more than <paramref name="limit"/> bytes went through (true: cut).</summary>
    private async Task<bool> PumpAsync(Socket from, Socket to, long limit)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    return false;
                }

                total += read;
                if (total > limit)
                {
                    return true;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
