using Microsoft.AspNetCore.Diagnostics;

using PecLists.Contracts;

namespace PecLists.Functions.Http;

/// <summary>
/// A request Kestrel finds broken while the app reads its body (bad chunked framing, over the body size limit, sent
/// too slowly) surfaces as <see cref="BadHttpRequestException"/>: answer its own 4xx with a stable code, not a 500.
/// The exception text is Kestrel's framing message, never request data, so it is not echoed either.
/// </summary>
public sealed class BadRequestBodyHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad || httpContext.Response.HasStarted)
        {
            return false;
        }

        var (code, title, detail) = bad.StatusCode switch
        {
            StatusCodes.Status408RequestTimeout => (ProblemCodes.RequestTimeout, "Request body too slow",
                "The body arrived too slowly and the server stopped waiting; send it again over a better connection."),
            StatusCodes.Status411LengthRequired => (ProblemCodes.LengthRequired, "Content-Length required",
                "Send the request with a Content-Length; chunked uploads reach the function app without their body."),
            StatusCodes.Status413PayloadTooLarge => (ProblemCodes.TooLarge, "Request body too large", "The body exceeds the size this endpoint accepts."),
            _ => (ProblemCodes.BadRequestBody, "Malformed request body", "The request body could not be read (bad framing or length); send it again."),
        };
        var status = bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : StatusCodes.Status400BadRequest;
        await Problems.Write(httpContext, status, code, title, detail);
        return true;
    }
}
