namespace PecLists.Uploader;

/// <summary>
/// The names of the uploader's commands the launcher must tell apart (docs/adr/0027). They are also words of the wire
/// vocabulary (heartbeat kinds "run", "doctor"), which they are not: the repository guard lets a line marked "// command" be.
/// </summary>
public static class CommandNames
{
    public const string Run = "run"; // command
    public const string Watch = "watch"; // command
    public const string Doctor = "doctor"; // command
    public const string Install = "install"; // command
    public const string Uninstall = "uninstall"; // command
}
