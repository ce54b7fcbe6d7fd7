using System.Diagnostics;
using LocalInfra;

namespace Repository.Tests;

/// <summary>The repository's root and its files: what git tracks (plus new files not ignored), else a walk of the tree.</summary>
internal static class RepositoryFiles
{
    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", ".tools", ".artifacts", "TestResults", "node_modules"];

    private static readonly Lazy<IReadOnlyList<string>> PathsLazy = new(ListPaths);

    public static string Root => RepoPaths.Root;

    /// <summary>Every file, relative to the root, with '/' separators.</summary>
    public static IReadOnlyList<string> Paths => PathsLazy.Value;

    private static IReadOnlyList<string> ListPaths() => FromGit() ?? FromWalk();

    private static List<string>? FromGit()
    {
        try
        {
            var start = new ProcessStartInfo("git")
            {
                WorkingDirectory = Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[] { "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard" })
            {
                start.ArgumentList.Add(arg);
            }

            using var git = Process.Start(start)!;
            var stderr = git.StandardError.ReadToEndAsync();
            var output = git.StandardOutput.ReadToEnd();
            git.WaitForExit();
            _ = stderr.Result;
            if (git.ExitCode != 0)
            {
                return null;
            }

            // Deleted but still tracked files are listed by --cached; keep only what is on disk.
            return [.. output.Split('\0', StringSplitOptions.RemoveEmptyEntries)
                .Where(p => File.Exists(Path.Combine(Root, p)) || Directory.Exists(Path.Combine(Root, p)))
                .Distinct(StringComparer.Ordinal)];
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no git: walk the tree
        }
    }

    private static List<string> FromWalk()
    {
        var paths = new List<string>();
        var pending = new Stack<string>([Root]);
        while (pending.TryPop(out var dir))
        {
            foreach (var sub in Directory.EnumerateDirectories(dir))
            {
                if (!SkippedFolders.Contains(Path.GetFileName(sub), StringComparer.Ordinal))
                {
                    pending.Push(sub);
                }
            }

            paths.AddRange(Directory.EnumerateFiles(dir).Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/')));
        }

        return paths;
    }
}
