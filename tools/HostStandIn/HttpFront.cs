using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace HostStandIn;

/// <summary>
/// The public HTTP side of the host: one route per HTTP function (routePrefix + function.json route and methods), each
/// request forwarded to the handler by <see cref="HttpForwarding"/>; anything else is 404 with no body, as the host
/// answers for a route no function declares.
/// </summary>
public static class HttpFront
{
    /// <summary>Host: ScriptConstants.DefaultMaxRequestBodySize, overridden by FUNCTIONS_REQUEST_BODY_SIZE_LIMIT.</summary>
    public const long DefaultMaxRequestBodySize = 104857600;

    public static WebApplication Build(ScriptRoot root, AppSettings settings, int publicPort, InvocationDispatcher dispatcher, HostLog log)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = root.Path });
        builder.Logging.ClearProviders();
        var maxBody = long.TryParse(settings["FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var limit)
            ? limit
            : DefaultMaxRequestBodySize;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = maxBody;
            kestrel.ListenLocalhost(publicPort);
        });

        var app = builder.Build();
        var forwarding = root.CustomHandler().EnableForwardingHttpRequest;
        foreach (var function in root.HttpFunctions())
        {
            if (!function.IsHttpInAndOut || !forwarding)
            {
                // The host would send its JSON invocation payload here instead (HttpRequestExtensions.GetRequestAsJObject):
                // not reproduced, so refuse to start rather than test something Azure would not run.
                throw new NotSupportedException(
                    $"Function '{function.Name}': only HTTP-in/HTTP-out functions with customHandler.enableForwardingHttpRequest are reproduced.");
            }

            var pattern = "/" + string.Join('/', new[] { root.RoutePrefix, function.Route }.Where(p => p.Length > 0));
            var endpoint = function.Methods.Count == 0
                ? app.Map(pattern, context => ForwardAsync(context, function, dispatcher, log))
                : app.MapMethods(pattern, function.Methods, context => ForwardAsync(context, function, dispatcher, log));
            endpoint.WithDisplayName(function.Name);
        }

        app.MapFallback("{**path}", context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    private static async Task ForwardAsync(HttpContext context, HttpFunction function, InvocationDispatcher dispatcher, HostLog log)
    {
        if (!string.Equals(function.AuthLevel, "anonymous", StringComparison.OrdinalIgnoreCase))
        {
            // The stand-in holds no function keys: a keyed function is refused as the host refuses a missing key.
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        var invocationId = Guid.NewGuid().ToString();
        try
        {
            var uri = HttpForwarding.HandlerUri(dispatcher.HandlerPort, HttpForwarding.PathValue(context.Request));
            using var request = HttpForwarding.ToHttpRequestMessage(context.Request, uri);
            HttpForwarding.AddHeaders(request, invocationId);
            // Host: DefaultHttpWorkerService.SendInvocationRequestAsync sends with no cancellation token (line 128).
            using var response = await dispatcher.SendAsync(function.Name, invocationId, request, CancellationToken.None);
            await CopyResponseAsync(response, context.Response);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            // A failed invocation: the host answers 500 with no body.
            log.Host($"Executed 'Functions.{function.Name}' (Failed, Id={invocationId}): {Describe(ex)}");
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    private static string Describe(Exception ex) =>
        string.Join(" → ", Chain(ex).Select(e => $"{e.GetType().Name}: {e.Message.Split('\n', 2)[0]}"));

    private static IEnumerable<Exception> Chain(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            yield return ex;
        }
    }

    private static async Task CopyResponseAsync(HttpResponseMessage from, HttpResponse to)
    {
        to.StatusCode = (int)from.StatusCode;
        foreach (var header in from.Headers.Concat(from.Content.Headers))
        {
            if (!string.Equals(header.Key, "Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                to.Headers[header.Key] = header.Value.ToArray();
            }
        }

        await from.Content.CopyToAsync(to.Body);
    }
}
