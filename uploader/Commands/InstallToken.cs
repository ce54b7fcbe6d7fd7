namespace PecLists.Uploader.Commands;

/// <summary>
/// Where <c>install</c> takes the site token from: <c>--token -</c> reads one line from standard input (typed or piped),
/// else <c>--token &lt;token&gt;</c>, else the <c>PEC_UPLOADER_TOKEN</c> environment variable. Standard input and the
/// environment variable keep it out of the process list and the shell history; <c>--token &lt;token&gt;</c> shows it
/// there (kept for scripts that already pass it).
/// </summary>
public static class InstallToken
{
    public const string EnvironmentVariable = "PEC_UPLOADER_TOKEN";

    public const string FromStandardInput = "-";

    /// <summary>The token, or null when none was given (blank counts as none).</summary>
    public static string? Resolve(string? option, TextReader standardInput, Func<string, string?> environment)
    {
        var token = option == FromStandardInput ? standardInput.ReadLine() : option ?? environment(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(token) ? null : token.Trim();
    }
}
