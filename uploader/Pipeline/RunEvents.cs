namespace PecLists.Uploader.Pipeline;

/// <summary>The events of one run, kept for its result and handed to <paramref name="sink"/> as they happen (a log, a terminal).</summary>
public sealed class RunEvents(TimeProvider clock, Action<RunEvent>? sink = null)
{
    private readonly List<RunEvent> _all = [];

    public IReadOnlyList<RunEvent> All => _all;

    public void Say(string message)
    {
        var happened = new RunEvent(clock.GetLocalNow(), message);
        _all.Add(happened);
        sink?.Invoke(happened);
    }
}
