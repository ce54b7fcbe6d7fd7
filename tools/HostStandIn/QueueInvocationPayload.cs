using System.Globalization;
using Azure.Storage.Queues.Models;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace HostStandIn;

/// <summary>
/// The body the host POSTs to /{function} for a queue-triggered custom-handler function, built by the host's rules
/// (Azure/azure-functions-host src/WebJobs.Script, commit 89dc438):
/// <list type="bullet">
/// <item><c>Utility.ApplyBindingData</c> (<see cref="JsonBindingData"/>): a message that is a JSON object adds its
/// top-level properties to the binding data, so they reach Metadata too.</item>
/// <item><c>Workers/MessageExtensions/ScriptInvocationContextExtensions.ToHttpScriptInvocationContext</c>: binding data
/// becomes Metadata, except null values and keys ending in "trigger" (QueueTrigger: Data has it); inputs become Data.</item>
/// <item><c>GetHttpScriptInvocationContextValue</c>: byte[] → base64 (unless dataType binary), DateTime(Offset) →
/// re-parsed from its ToString(), else <c>JObject.FromObject</c>, and when that throws (strings, numbers)
/// <c>JsonConvert.SerializeObject</c>. So the message text becomes a JSON string literal, and DequeueCount "5".</item>
/// <item><c>Workers/MessageExtensions/HttpScriptInvocationContextExtensions.ToHttpRequestMessage</c>: the whole context is
/// serialized once more (Json.NET, through JsonMediaTypeFormatter): a JSON string that holds a quoted JSON string.</item>
/// <item><c>SetRetryContext</c>: Metadata.RetryContext only when a host retry policy applies; the queue extension's own
/// retries (dequeue count, poison queue) do not set it, and host retry policies no longer apply to queue triggers
/// (https://learn.microsoft.com/azure/azure-functions/functions-bindings-error-pages#retries).</item>
/// </list>
/// Binding data of a queue message: Azure/azure-sdk-for-net Microsoft.Azure.WebJobs.Extensions.Storage.Queues
/// (QueueTriggerBindingDataProvider): QueueTrigger, DequeueCount (long), ExpirationTime, Id, InsertionTime,
/// NextVisibleTime, PopReceipt, plus "sys".
/// </summary>
public static class QueueInvocationPayload
{
    public static string Build(QueueFunction function, QueueMessage message)
    {
        var bindingData = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["QueueTrigger"] = message.Body.ToString(),
            ["DequeueCount"] = message.DequeueCount,
            ["ExpirationTime"] = message.ExpiresOn,
            ["Id"] = message.MessageId,
            ["InsertionTime"] = message.InsertedOn,
            ["NextVisibleTime"] = message.NextVisibleOn,
            ["PopReceipt"] = message.PopReceipt,
            ["sys"] = new SystemBindingData(function.Name),
        };

        object trigger = string.Equals(function.DataType, "binary", StringComparison.OrdinalIgnoreCase)
            ? message.Body.ToArray()
            : message.Body.ToString();
        JsonBindingData.Apply(trigger, bindingData);

        var metadata = new Dictionary<string, object?>();
        foreach (var (key, value) in bindingData)
        {
            if (value is null || key.EndsWith("trigger", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            metadata[key] = ContextValue(value);
        }

        var data = new Dictionary<string, object?> { [function.BindingName] = ContextValue(trigger, function.DataType) };

        // JsonMediaTypeFormatter's serializer: Json.NET defaults (what the host sends).
        return JsonConvert.SerializeObject(new { Data = data, Metadata = metadata });
    }

    /// <summary>Host: ScriptInvocationContextExtensions.GetHttpScriptInvocationContextValue.</summary>
    internal static object ContextValue(object value, string? dataType = null)
    {
        if (value is byte[] bytes)
        {
            return string.Equals(dataType, "binary", StringComparison.OrdinalIgnoreCase) ? bytes : Convert.ToBase64String(bytes);
        }

        if (value is DateTime)
        {
            return DateTime.Parse(value.ToString()!, CultureInfo.CurrentCulture);
        }

        if (value is DateTimeOffset)
        {
            return DateTimeOffset.Parse(value.ToString()!, CultureInfo.CurrentCulture);
        }

        try
        {
            return JObject.FromObject(value);
        }
        catch (ArgumentException)
        {
            // Strings, numbers and other values that are not JSON objects.
        }

        return JsonConvert.SerializeObject(value);
    }
}
