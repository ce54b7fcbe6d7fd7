using System.Net.Http.Headers;
using Newtonsoft.Json.Linq;

namespace HostStandIn;

/// <summary>
/// Host: Workers/Http/DefaultHttpWorkerService.ProcessDefaultInvocationRequest — POST the payload as JSON to
/// /{function name} with the host's headers; non-2xx fails the invocation (EnsureSuccessStatusCode), so does a 2xx whose
/// body is not an invocation result; the result's Logs are logged as the function's user logs. Any trigger but HTTP.
/// </summary>
public static class DefaultInvocation
{
    /// <summary>True when the invocation succeeded. <paramref name="about"/> is added to the failure line (which message).</summary>
    public static async Task<bool> InvokeAsync(InvocationDispatcher dispatcher, string function, string payload, HostLog log, string about, CancellationToken ct)
    {
        var invocationId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, HttpForwarding.HandlerUri(dispatcher.HandlerPort, function))
        {
            Content = new StringContent(payload, System.Text.Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        HttpForwarding.AddHeaders(request, invocationId);
        try
        {
            using var response = await dispatcher.SendAsync(function, invocationId, request, ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                log.Host($"Executed 'Functions.{function}' (Failed, Id={invocationId}{about}): {(int)response.StatusCode} {Shorten(body)}");
                return false;
            }

            JObject result;
            try
            {
                result = JObject.Parse(body);
            }
            catch (Newtonsoft.Json.JsonReaderException)
            {
                log.Host($"Executed 'Functions.{function}' (Failed, Id={invocationId}{about}): Invalid HttpResponseMessage: {Shorten(body)}");
                return false;
            }

            foreach (var line in result["Logs"] as JArray ?? [])
            {
                log.Write($"{DateTime.Now:HH:mm:ss} Function.{function}.User: {line}");
            }

            log.Host($"Executed 'Functions.{function}' (Succeeded, Id={invocationId}{about})");
            return true;
        }
        catch (TimeoutException ex)
        {
            // functionTimeout (the worker may have been restarted), or held past the host's patience while it restarted.
            log.Host($"Executed 'Functions.{function}' (Failed, Id={invocationId}{about}): {ex.Message}");
            return false;
        }
        catch (InvalidOperationException ex)
        {
            log.Host($"Executed 'Functions.{function}' (Failed, Id={invocationId}{about}): {ex.Message}");
            return false;
        }
        catch (HttpRequestException ex)
        {
            log.Host($"Executed 'Functions.{function}' (Failed, Id={invocationId}{about}): handler unreachable: {ex.Message.Split('\n', 2)[0].Trim()}");
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 500 ? text : text[..500] + "…";
}
