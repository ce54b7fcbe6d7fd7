using OpenTelemetry;
using OpenTelemetry.Logs;

namespace PecLists.Functions.Telemetry;

/// <summary>
/// Before any log exporter: a log written with an exception that holds a PostgreSQL error carries a data-free stand-in
/// instead (<see cref="DataFreeErrors.Redact"/>), whatever code wrote it.
/// </summary>
public sealed class DataFreeLogProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.Exception is { } exception)
        {
            data.Exception = DataFreeErrors.Redact(exception);
        }
    }
}
