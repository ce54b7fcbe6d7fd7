using System.Collections.Concurrent;
using System.Diagnostics;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// Counts the commands Npgsql sends from this process (the app under test runs in it) through its ActivitySource,
/// the client library's own tracing: nothing in the app is replaced. Only commands whose text contains
/// <paramref name="marker"/> are counted, so the test's own queries and other apps' do not blur the count.
/// </summary>
public sealed class DatabaseCommands : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _seen = new();

    public DatabaseCommands(string marker)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = string.Join(' ', activity.TagObjects.Select(t => t.Value?.ToString()));
                if (text.Contains(marker, StringComparison.Ordinal))
                {
                    _seen.Enqueue(text);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count => _seen.Count;

    public void Dispose() => _listener.Dispose();
}
