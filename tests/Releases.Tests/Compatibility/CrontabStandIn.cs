namespace Releases.Tests.Compatibility;

/// <summary>
/// A <c>crontab</c> command that keeps the table in a file of its own, first on the PATH given to the uploader: install
/// writes its lines through <c>crontab -</c> and doctor reads them back with <c>crontab -l</c>, as with cron, without
/// touching this machine's real crontab (InstallForRealTests is the one that registers with cron for real).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CrontabStandIn
{
    private readonly string _bin;

    public CrontabStandIn(string directory)
    {
        _bin = Path.Combine(directory, "bin");
        Directory.CreateDirectory(_bin);
        Table = Path.Combine(directory, "crontab.txt");
        var script = Path.Combine(_bin, "crontab");
        // "no crontab for user" is exit 1 with nothing on stdout, as cron's own crontab -l.
        File.WriteAllText(script, $"#!/bin/sh\ncase \"$1\" in\n  -l) [ -f '{Table}' ] || exit 1; cat '{Table}' ;;\n  -) cat > '{Table}' ;;\n  *) echo \"crontab stand-in: unsupported $*\" >&2; exit 2 ;;\nesac\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The file holding the table.</summary>
    public string Table { get; }

    /// <summary>The uploader's environment with this crontab first on the PATH.</summary>
    public Dictionary<string, string?> Environment(Dictionary<string, string?> baseEnvironment) =>
        new(baseEnvironment) { ["PATH"] = _bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH") };
}
