using LocalInfra;

namespace Repository.Tests;

/// <summary>
/// The Azure deployment compiles and lints with zero warnings (issue 14 acceptance: CI builds and lints the Bicep). Uses
/// the Bicep CLI that scripts/install-deps.sh installs from the NuGet package Azure.Bicep.CommandLine.linux-x64 into
/// .tools/bicep (BICEP_BIN overrides). Any diagnostic fails the test and is printed; bicep/bicepconfig.json sets the rules.
/// </summary>
public sealed class BicepTests
{
    public static TheoryData<string, string> Checks() => new()
    {
        { "build", "bicep/main.bicep" },
        { "lint", "bicep/main.bicep" },
        { "build-params", "bicep/main.bicepparam" },
        { "lint", "bicep/main.bicepparam" },
        { "build", "bicep/modules/monitoring-content.bicep" },
    };

    [Theory]
    [MemberData(nameof(Checks))]
    public async Task Bicep_compiles_and_lints_with_zero_warnings(string command, string file)
    {
        string[] arguments = command.StartsWith("build", StringComparison.Ordinal) ? [command, file, "--stdout"] : [command, file];

        var result = await ProcessRunner.RunAsync(BicepCli.Path(), arguments, workingDirectory: RepositoryFiles.Root, timeout: TimeSpan.FromMinutes(3));

        var diagnostics = result.StandardError.Trim();
        Assert.True(
            result.ExitCode == 0 && diagnostics.Length == 0,
            $"bicep {string.Join(' ', arguments)} exited {result.ExitCode} with:\n{diagnostics}");
        if (command.StartsWith("build", StringComparison.Ordinal))
        {
            Assert.Contains("$schema", result.StandardOutput, StringComparison.Ordinal); // an ARM template or parameters file came out
        }
    }
}
