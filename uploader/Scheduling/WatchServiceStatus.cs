namespace PecLists.Uploader.Scheduling;

/// <summary>The watch service's state and how it is installed (<see cref="WatchServiceKind.None"/> when it is not).</summary>
public sealed record WatchServiceStatus(WatchServiceState State, WatchServiceKind Kind)
{
    public static WatchServiceStatus NotInstalled { get; } = new(WatchServiceState.NotInstalled, WatchServiceKind.None);

    public static WatchServiceStatus Unknown { get; } = new(WatchServiceState.Unknown, WatchServiceKind.None);
}
