using System.CommandLine;

namespace PecLists.Functions.Commands;

/// <summary>Who an operator command acts as, for the audit: "cli:" and --as, else the OS user running it.</summary>
public static class CliActor
{
    public static Option<string?> Option() => new("--as")
    {
        Description = "Operator name recorded in the audit (default: the OS user running the command).",
        Recursive = true,
    };

    public static string Of(ParseResult parse, Option<string?> asOption) =>
        "cli:" + (parse.GetValue(asOption) is { Length: > 0 } given ? given.Trim() : Environment.UserName);
}
