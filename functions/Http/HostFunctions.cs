using System.Net;
using PecLists.Contracts;

namespace PecLists.Functions.Http;

/// <summary>
/// The endpoints the Functions host calls for non-HTTP triggers (queue, timer): POST /{function}, loopback only, out of
/// the public API. One rule for every such function, so a new trigger cannot forget it.
/// </summary>
public static class HostFunctions
{
    /// <summary>
    /// The Functions host calls the handler on 127.0.0.1 (HttpWorkerProcess gives it FUNCTIONS_CUSTOMHANDLER_PORT on
    /// localhost); a call from anywhere else, possible if the handler is bound more widely with --urls, is refused.
    /// No address at all (an in-memory test server) counts as local.
    /// </summary>
    public static bool IsFromHost(IPAddress? remote) => remote is null || IPAddress.IsLoopback(remote);

    /// <summary>Maps <paramref name="handler"/> at POST /{function}; any caller but the host gets 403 forbidden.</summary>
    public static RouteHandlerBuilder MapHostFunction(this IEndpointRouteBuilder app, string function, Delegate handler) =>
        app.MapPost("/" + function, handler)
            .AddEndpointFilter(async (context, next) => IsFromHost(context.HttpContext.Connection.RemoteIpAddress)
                ? await next(context)
                : Problems.Result(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Not the Functions host",
                    $"The {function} function is invoked by the Functions host over loopback only."))
            .AllowAnonymous()
            .ExcludeFromDescription();
}
