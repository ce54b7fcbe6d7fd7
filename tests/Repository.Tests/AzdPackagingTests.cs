using System.Text.RegularExpressions;

namespace Repository.Tests;

/// <summary>
/// Issue 24 item 3: `azd deploy` ships the zip scripts/package.sh builds, unchanged (azure.yaml's header cites azd's
/// source for each rule). These pin the pieces that make that so; if one goes, azd would package the project itself
/// (a framework-dependent build, or a re-zip that loses the modes).
/// </summary>
public sealed class AzdPackagingTests
{
    private static readonly string AzureYaml = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "azure.yaml"));

    [Fact]
    public void The_service_is_a_custom_language_function_whose_dist_is_the_zip_package_sh_writes()
    {
        var dist = Setting("dist");
        Assert.Equal("custom", Setting("language"));
        Assert.Equal("function", Setting("host"));
        Assert.Equal("false", Setting("remoteBuild"));
        Assert.EndsWith(".zip", dist, StringComparison.Ordinal); // azd deploys a .zip as is and zips anything else

        // package.sh's default output folder + functions.zip is the dist.
        var script = File.ReadAllText(Path.Combine(RepositoryFiles.Root, "scripts", "package.sh"));
        var outDir = Regex.Match(script, @"^out=(\S+)$", RegexOptions.Multiline).Groups[1].Value;
        Assert.Equal($"{outDir}/functions.zip", dist);
        Assert.Contains("\"$out/functions.zip\"", script, StringComparison.Ordinal);
    }

    [Fact]
    public void The_prepackage_hook_builds_the_zip_on_every_os()
    {
        var hook = AzureYaml[AzureYaml.IndexOf("prepackage:", StringComparison.Ordinal)..];
        Assert.Matches(@"posix:\s+shell: sh\s+run: scripts/package\.sh --functions-only", hook);
        Assert.Matches(@"windows:\s+shell: pwsh\s+(#[^\n]*\n\s+)*run: bash scripts/package\.sh --functions-only", hook);
        Assert.DoesNotContain("postdeploy", AzureYaml, StringComparison.Ordinal); // nothing replaces azd's upload after the fact
    }

    private static string Setting(string key)
    {
        var match = Regex.Match(AzureYaml, $@"^\s+{key}: (\S+)\s*$", RegexOptions.Multiline);
        Assert.True(match.Success, $"azure.yaml has no '{key}:'");
        return match.Groups[1].Value;
    }
}
