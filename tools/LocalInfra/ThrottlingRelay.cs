using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LocalInfra;

/// <summary>
/// A TCP relay on loopback to <c>targetPort</c> that counts the bytes sent upstream (client to server) and, when
/// <see cref="UpstreamBytesPerSecond"/> is set, paces them to that rate across all its connections: a municipal uplink.
/// Downstream passes at full speed, unless told to drop connections (<see cref="DropDownstream"/>): a link that dies
/// in the middle of a download. Used between an uploader and Azurite (the site's blob endpoint) to count what a
/// resumed upload sends and to benchmark a slow link, and between an uploader and its backend to cut a release download.
/// </summary>
public sealed class ThrottlingRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly Lock _link = new();
    private readonly long _epoch = Stopwatch.GetTimestamp();
    private TimeSpan _linkFreeAt;
    private long _upstreamBytes;
    private int _openConnections;
    private readonly List<MemoryStream> _captured = [];
    private long _dropAfterBytes = long.MaxValue;
    private int _dropsLeft;
    private int _drops;

    public ThrottlingRelay(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Bytes relayed upstream since the start or the last <see cref="ResetCount"/> (headers included: what the link carried).</summary>
    public long UpstreamBytes => Interlocked.Read(ref _upstreamBytes);

    /// <summary>The uplink's rate; null: no limit.</summary>
    public double? UpstreamBytesPerSecond { get; set; }

    /// <summary>Connections being relayed now: 0 once a killed client's bytes still in flight have all been delivered.</summary>
    public int OpenConnections => Volatile.Read(ref _openConnections);

    public void ResetCount() => Interlocked.Exchange(ref _upstreamBytes, 0);

    /// <summary>Connections this relay has dropped (<see cref="DropDownstream"/>).</summary>
    public int Drops => Volatile.Read(ref _drops);

    /// <summary>
    /// From now on, the next <paramref name="times"/> connections that carry more than <paramref name="afterBytes"/> bytes
    /// downstream (server to client, responses included) get exactly that many through and are then reset, as a link
    /// that dies mid-transfer; 0 times stops dropping.
    /// </summary>
    public void DropDownstream(long afterBytes, int times)
    {
        Interlocked.Exchange(ref _dropAfterBytes, afterBytes);
        Interlocked.Exchange(ref _dropsLeft, times);
    }

    /// <summary>When set, the upstream bytes of each connection opened from then on are kept (<see cref="CapturedRequests"/>): a test's wire log.</summary>
    public bool CaptureUpstream { get; set; }

    /// <summary>The HTTP/1.1 requests relayed upstream on captured connections, each with its size on the wire (headers and body).</summary>
    public IReadOnlyList<WireRequest> CapturedRequests()
    {
        lock (_captured)
        {
            return [.. _captured.SelectMany(c => WireRequest.Split(c.ToArray()))];
        }
    }

    /// <summary>Forgets what was captured so far.</summary>
    public void ResetCapture()
    {
        lock (_captured)
        {
            _captured.Clear();
        }
    }

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
        Interlocked.Increment(ref _openConnections);
        using (client)
        {
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                MemoryStream? capture = null;
                if (CaptureUpstream)
                {
                    capture = new MemoryStream();
                    lock (_captured)
                    {
                        _captured.Add(capture);
                    }
                }

                // A server that closes its side is passed on to the client (as a direct connection would), so the client
                // does not send its next request into a connection nobody will answer.
                var down = PumpAsync(server, client, upstream: false, null).ContinueWith(_ => ShutdownQuietly(client, SocketShutdown.Send), TaskScheduler.Default);
                var up = PumpAsync(client, server, upstream: true, capture);

                // A client that went away has its last bytes delivered (as a link's buffers would) before the server side closes.
                await up;
                server.Shutdown(SocketShutdown.Send);
                await Task.WhenAny(down, Task.Delay(TimeSpan.FromSeconds(30), _stop.Token));
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref _openConnections);
            }
        }
    }

    private static void ShutdownQuietly(Socket socket, SocketShutdown how)
    {
        try
        {
            socket.Shutdown(how);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool upstream, MemoryStream? capture)
    {
        var buffer = new byte[16 * 1024];
        long relayed = 0;
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (!upstream && relayed + read > Interlocked.Read(ref _dropAfterBytes) && TakeDrop())
                {
                    var allowed = (int)(Interlocked.Read(ref _dropAfterBytes) - relayed);
                    await to.SendAsync(buffer.AsMemory(0, Math.Max(0, allowed)), SocketFlags.None, _stop.Token);

                    // A reset, not a polite close: what a dead link looks like to the client.
                    to.LingerState = new LingerOption(true, 0);
                    to.Close();
                    from.Close();
                    Interlocked.Increment(ref _drops);
                    return;
                }

                relayed += read;
                if (upstream)
                {
                    await PaceAsync(read, _stop.Token);
                    Interlocked.Add(ref _upstreamBytes, read);
                    if (capture is not null)
                    {
                        lock (_captured)
                        {
                            capture.Write(buffer, 0, read);
                        }
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>Takes one of the drops left, if any.</summary>
    private bool TakeDrop()
    {
        while (true)
        {
            var left = Volatile.Read(ref _dropsLeft);
            if (left <= 0)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _dropsLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }

    /// <summary>
    /// The link is busy until the bytes before these have gone at the rate: each chunk is let through when its turn on
    /// the schedule comes, so a late wake-up is made up by the next (the average holds, not each 16 KiB's timing).
    /// </summary>
    private async Task PaceAsync(int bytes, CancellationToken ct)
    {
        if (UpstreamBytesPerSecond is not { } rate)
        {
            return;
        }

        TimeSpan wait;
        lock (_link)
        {
            var now = Stopwatch.GetElapsedTime(_epoch);
            var start = _linkFreeAt > now ? _linkFreeAt : now;
            _linkFreeAt = start + TimeSpan.FromSeconds(bytes / rate);
            wait = _linkFreeAt - now;
        }

        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, ct);
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
