using OpenTelemetry;
using OpenTelemetry.Logs;

namespace PecLists.Functions.Telemetry;

/// <summary>
/// Marks each business event (<see cref="BusinessEvents"/>, event ids 1001–1099) with <c>microsoft.custom_event.name</c>,
/// which Azure Monitor's exporter turns into a customEvents row named by the event (a source-generated template cannot
/// hold the dotted name itself). Registered before every exporter, so each sees the mark.
/// </summary>
public sealed class CustomEventProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.EventId.Id is >= BusinessEvents.FirstId and <= BusinessEvents.LastId && data.EventId.Name is { } name)
        {
            data.Attributes = [.. data.Attributes ?? [], new KeyValuePair<string, object?>(TelemetryNames.CustomEventAttribute, name)];
        }
    }
}
