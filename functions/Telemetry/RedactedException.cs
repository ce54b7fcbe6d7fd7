namespace PecLists.Functions.Telemetry;

/// <summary>
/// Stands in for an exception whose text may quote row values (<see cref="DataFreeErrors"/>): its message is the data-free
/// description, its stack trace the original's frames (code locations only).
/// </summary>
public sealed class RedactedException : Exception
{
    private readonly string? _stackTrace;

    public RedactedException()
    {
    }

    public RedactedException(string message)
        : base(message)
    {
    }

    public RedactedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RedactedException(string message, string? stackTrace)
        : base(message) => _stackTrace = stackTrace;

    public override string? StackTrace => _stackTrace;

    public override string ToString() => $"{GetType().FullName}: {Message}{Environment.NewLine}{_stackTrace}";
}
