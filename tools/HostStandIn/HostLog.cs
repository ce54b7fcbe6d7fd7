using System.Collections.Concurrent;

namespace HostStandIn;

/// <summary>
/// One log stream, like the host's: its own lines and the handler's console output (the host logs those under
/// <c>Host.Function.Console</c>). Kept in memory for tests and echoed to a callback.
/// </summary>
public sealed class HostLog(Action<string>? echo)
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyCollection<string> Lines => _lines;

    public string Text => string.Join('\n', _lines);

    public void Write(string line)
    {
        _lines.Enqueue(line);
        echo?.Invoke(line);
    }

    public void Host(string message) => Write($"{DateTime.Now:HH:mm:ss} host: {message}");
}
