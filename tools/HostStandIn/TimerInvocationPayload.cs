using Newtonsoft.Json;

namespace HostStandIn;

/// <summary>
/// The body the host POSTs to /{function} for a timer-triggered custom-handler function, by the same rules as the queue's
/// (<see cref="QueueInvocationPayload"/>; Azure/azure-functions-host src/WebJobs.Script, commit 89dc438):
/// <list type="bullet">
/// <item>The trigger value is a TimerInfo (Binding/CoreExtensionsScriptBindingProvider: DefaultType = TimerInfo, passed
/// untouched by Description/Workers/WorkerFunctionInvoker.TransformInput), so
/// <c>Workers/MessageExtensions/ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue</c> makes it a
/// JObject: <c>Data.{name} = {"Schedule":{"AdjustForDST":true},"ScheduleStatus":…,"IsPastDue":…}</c>, PascalCase.</item>
/// <item>The timer's binding data is only "TimerTrigger" (azure-webjobs-sdk-extensions Timers/Bindings/
/// TimerTriggerBinding.CreateBindingData), left out as every key ending in "trigger" is; "sys" remains. So Metadata is
/// <c>{"sys":{"MethodName":…,"UtcNow":…,"RandGuid":…}}</c>.</item>
/// </list>
/// </summary>
public static class TimerInvocationPayload
{
    public static string Build(TimerFunction function, TimerInfo timer)
    {
        var bindingData = new Dictionary<string, object?>
        {
            ["TimerTrigger"] = DateTime.Now.ToString(System.Globalization.CultureInfo.CurrentCulture),
            ["sys"] = new SystemBindingData(function.Name),
        };

        var metadata = new Dictionary<string, object?>();
        foreach (var (key, value) in bindingData)
        {
            if (value is null || key.EndsWith("trigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            metadata[key] = QueueInvocationPayload.ContextValue(value);
        }

        var data = new Dictionary<string, object?> { [function.BindingName] = QueueInvocationPayload.ContextValue(timer) };
        return JsonConvert.SerializeObject(new { Data = data, Metadata = metadata });
    }
}
