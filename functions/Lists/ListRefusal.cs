using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>One rule a list definition breaks: its stable <see cref="PublishCodes"/> code and what to do, in words for an operator (never the SQL).</summary>
public sealed record ListRefusal(string Code, string Message)
{
    /// <summary>The refusal as the command line prints it: <c>[code] message</c>.</summary>
    public override string ToString() => $"[{Code}] {Message}";

    /// <summary>Several refusals as one line (the problem's <c>detail</c>, a log line).</summary>
    public static string Join(IEnumerable<ListRefusal> refusals) => string.Join("; ", refusals.Select(r => r.Message));
}
