using Newtonsoft.Json.Linq;

namespace HostStandIn;

/// <summary>
/// Host: Utility.ApplyBindingData, called on every trigger value by Description/Workers/WorkerFunctionInvoker.TransformInput
/// (commit 89dc438): a trigger value that is a string holding a JSON object adds its top-level properties to the binding
/// data, and so to the invocation's Metadata: objects as objects, arrays left out, every other value as Json.NET's
/// string of it (123 → "123", true → "True", an ISO date → its DateTime's invariant ToString). The message's properties
/// win over the trigger's own keys of the same name; whatever does not parse is ignored.
/// </summary>
public static class JsonBindingData
{
    public static void Apply(object? value, IDictionary<string, object?> bindingData)
    {
        try
        {
            if (value is string json && IsJson(json))
            {
                foreach (var property in JObject.Parse(json).Properties().Where(p => p.Value.Type != JTokenType.Array))
                {
                    object? converted = property.Value.Type == JTokenType.Object ? (JObject)property.Value : (string?)property.Value;
                    if (converted is not null)
                    {
                        bindingData[property.Name] = converted;
                    }
                }
            }
        }
        catch (Newtonsoft.Json.JsonException)
        {
            // Not JSON after all (or a JSON array): no binding data from it, as in the host.
        }
        catch (ArgumentException)
        {
            // A value Json.NET cannot turn into a string.
        }
    }

    // Host: Utility.IsJson.
    private static bool IsJson(string input)
    {
        input = input.Trim();
        return (input.StartsWith('{') && input.EndsWith('}')) || (input.StartsWith('[') && input.EndsWith(']'));
    }
}
