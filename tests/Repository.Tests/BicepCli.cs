namespace Repository.Tests;

/// <summary>The Bicep CLI scripts/install-deps.sh installs from the NuGet package Azure.Bicep.CommandLine.linux-x64 into
/// .tools/bicep (BICEP_BIN overrides).</summary>
internal static class BicepCli
{
    public static string Path()
    {
        if (Environment.GetEnvironmentVariable("BICEP_BIN") is { Length: > 0 } fromEnv)
        {
            return fromEnv;
        }

        var installed = System.IO.Path.Combine(RepositoryFiles.Root, ".tools", "bicep", "bicep");
        Assert.True(File.Exists(installed), $"{installed} is missing: run scripts/install-deps.sh (it installs the Bicep CLI from NuGet).");
        return installed;
    }
}
