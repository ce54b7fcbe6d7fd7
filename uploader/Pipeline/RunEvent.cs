namespace PecLists.Uploader.Pipeline;

/// <summary>One thing a run did or could not do, as the log tells it (<see cref="RunMessages"/>); never row content.</summary>
public sealed record RunEvent(DateTimeOffset At, string Message);
