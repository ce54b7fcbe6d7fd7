using System.Collections.Concurrent;

namespace Demo;

/// <summary>
/// The demo's log file: the function app's log (host stand-in and handler) and each uploader's output, which the
/// console shows only with <c>--verbose</c>. Lines from any thread; each written at once, so the file is whole even
/// when the demo stops early.
/// </summary>
public sealed class DemoLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Lock _lock = new();

    public DemoLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    public string Path { get; }

    /// <summary>Every line written so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public void Write(string line)
    {
        _lines.Enqueue(line);
        lock (_lock)
        {
            _writer.WriteLine(line);
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _writer.Dispose();
        }
    }
}
