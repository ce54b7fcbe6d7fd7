using System.Diagnostics;

namespace Repository.Tests;

/// <summary>The repository's root and its files: what git tracks (plus new files not ignored), else a walk of the tree.</summary>
internal static class RepositoryFiles
{
    private static readonly string[] SkippedFolders = ["bin", "obj", ".git", ".tools", ".artifacts", "TestResults", "node_modules"];

    private static readonly Lazy<string> RootLazy = new(FindRoot);

    private static readonly Lazy<IReadOnlyList<string>> PathsLazy = new(ListPaths);

    public static string Root => RootLazy.Value;

    /// <summary>Every file, relative to the root, with '/' separators.</summary>
    public static IReadOnlyList<string> Paths => PathsLazy.Value;

    private static string FindRoot()
    {
        if (Environment.GetEnvironmentVariable("REPO_ROOT") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Cannot find the repository root (Serverless.sln); set REPO_ROOT.");
    }

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
