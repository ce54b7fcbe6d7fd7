using LocalInfra;

namespace HostStandIn.Tests;

/// <summary>
/// How host.json's <c>defaultExecutablePath</c>, <c>workerDirectory</c> and <c>workingDirectory</c> are resolved, as
/// the host resolves them (host, 89dc438: Workers/Http/HttpWorkerDescription.ApplyDefaultsAndValidate and
/// Workers/Http/Configuration/HttpWorkerOptionsSetup.ConfigureWorkerDescription).
/// </summary>
public sealed class ExecutablePathConformanceTests : IDisposable
{
    private static readonly string AppRoot = Path.GetDirectoryName(RepoPaths.FunctionsDll)!;
    private readonly string _root = Directory.CreateTempSubdirectory("exe-path-").FullName;

    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void The_shipped_host_json_launches_the_apphost_in_the_app_root()
    {
        var description = new ScriptRoot(AppRoot, new AppSettings([])).CustomHandler();

        // The build output has the framework-dependent apphost, the package the self-contained one (ADR 0013).
        Assert.Equal(Path.Combine(AppRoot, "Functions"), description.ExecutablePath);
        Assert.Empty(description.Arguments);
        Assert.Equal(AppRoot, description.WorkingDirectory);
        Assert.True(OperatingSystem.IsWindows() || File.GetUnixFileMode(description.ExecutablePath).HasFlag(UnixFileMode.UserExecute));
    }

    [Fact]
    public void A_relative_path_that_exists_is_joined_to_the_worker_directory_not_the_working_directory()
    {
        Directory.CreateDirectory(Path.Combine(_root, "bin"));
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        File.WriteAllText(Path.Combine(_root, "bin", "handler"), string.Empty);
        File.WriteAllText(Path.Combine(_root, "run", "handler"), string.Empty);

        var description = Describe("""{ "defaultExecutablePath": "handler", "workerDirectory": "bin", "workingDirectory": "run" }""");

        Assert.Equal(Path.Combine(_root, "bin", "handler"), description.ExecutablePath);
        Assert.Equal(Path.Combine(_root, "run"), description.WorkingDirectory);
    }

    [Fact]
    public void Without_a_worker_directory_the_app_root_is_searched_and_working_directory_does_not_matter()
    {
        Directory.CreateDirectory(Path.Combine(_root, "run"));
        File.WriteAllText(Path.Combine(_root, "run", "handler"), string.Empty);

        // Only in workingDirectory: the host does not look there, the name is left for the system path.
        var onlyInWorkingDirectory = Describe("""{ "defaultExecutablePath": "handler", "workingDirectory": "run" }""");
        Assert.Equal("handler", onlyInWorkingDirectory.ExecutablePath);

        File.WriteAllText(Path.Combine(_root, "handler"), string.Empty);
        var inRoot = Describe("""{ "defaultExecutablePath": "handler", "workingDirectory": "run" }""");
        Assert.Equal(Path.Combine(_root, "handler"), inRoot.ExecutablePath);
    }

    [Fact]
    public void A_name_that_is_no_file_of_the_app_is_a_runtime_on_the_system_path()
    {
        var description = Describe("""{ "defaultExecutablePath": "dotnet", "arguments": [ "Functions.dll" ] }""");

        Assert.Equal("dotnet", description.ExecutablePath);
        Assert.Equal(["Functions.dll"], description.Arguments);
        Assert.Equal(_root, description.WorkingDirectory);
    }

    [Fact]
    public void Absolute_directories_are_kept()
    {
        var elsewhere = Directory.CreateTempSubdirectory("exe-path-abs-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(elsewhere, "handler"), string.Empty);
            var description = Describe($$"""{ "defaultExecutablePath": "handler", "workerDirectory": "{{elsewhere}}", "workingDirectory": "{{elsewhere}}" }""");

            Assert.Equal(Path.Combine(elsewhere, "handler"), description.ExecutablePath);
            Assert.Equal(elsewhere, description.WorkingDirectory);
        }
        finally
        {
            Directory.Delete(elsewhere, true);
        }
    }

    [Fact]
    public void An_empty_executable_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Describe("""{ "defaultExecutablePath": "" }"""));
        Assert.Contains("DefaultExecutablePath cannot be empty", ex.Message, StringComparison.Ordinal);
    }

    private CustomHandlerDescription Describe(string description)
    {
        File.WriteAllText(Path.Combine(_root, "host.json"), $$"""{ "version": "2.0", "customHandler": { "description": {{description}} } }""");
        return new ScriptRoot(_root, new AppSettings([])).CustomHandler();
    }
}
