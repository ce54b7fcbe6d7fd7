using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>A logger that keeps the event ids it was given (every level), so a test can wait for an event to happen.</summary>
public sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<EventId> _events = new();

    public int Count(int eventId) => _events.Count(e => e.Id == eventId);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _events.Enqueue(eventId);
}
