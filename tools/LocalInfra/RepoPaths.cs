namespace LocalInfra;

/// <summary>Locates the repository and the build outputs the demo and tests launch.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    public static string Root => RootLazy.Value;

    public static string Configuration =>
        Environment.GetEnvironmentVariable("BUILD_CONFIGURATION") is { Length: > 0 } c ? c : "Release";

    public static string FunctionsDll => Path.Combine(Root, "functions", "bin", Configuration, "net10.0", "Functions.dll");

    public static string UploaderDll => Path.Combine(Root, "uploader", "bin", Configuration, "net10.0", "uploader.dll");

    public static string ListsDirectory => Path.Combine(Root, "lists");

    /// <summary>The runnable examples (examples/&lt;name&gt;/: definitions and a README each).</summary>
    public static string ExamplesDirectory => Path.Combine(Root, "examples");

    public static string ToolsDirectory => Path.Combine(Root, ".tools");

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
}
