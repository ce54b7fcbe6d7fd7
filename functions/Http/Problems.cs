using PecLists.Contracts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace PecLists.Functions.Http;

/// <summary>RFC 9457 problem+json answers, each with a stable machine-readable <c>code</c>.</summary>
public static class Problems
{
    public static IResult Result(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(Create(status, code, title, detail));

    public static ProblemDetails Create(int status, string code, string title, string? detail = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://errors.ingest/{code}" };
        problem.Extensions["code"] = code;
        return problem;
    }

    public static async Task Write(HttpContext context, int status, string code, string title, string? detail = null)
    {
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(Create(status, code, title, detail), (System.Text.Json.JsonSerializerOptions?)null, WireNames.ProblemMediaType);
    }

    /// <summary>Routing-level answers (no such route, wrong method) get problem+json with a stable code too.</summary>
    public static async Task ForStatusCodeAsync(StatusCodeContext context)
    {
        var status = context.HttpContext.Response.StatusCode;
        var code = ProblemCodes.ForStatus(status);
        await Write(context.HttpContext, status, code, ReasonPhrases.GetReasonPhrase(status));
    }
}
