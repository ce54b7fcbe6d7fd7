using System.IO.Compression;
using System.Text.Json.Nodes;
using LocalInfra;

namespace Repository.Tests;

/// <summary>
/// The function app zip that is deployed (scripts/package.sh --functions-only), inspected against what the Functions
/// host reads from the app root: host.json, the executable it names, and one folder per function (ADR 0013).
/// </summary>
public sealed class FunctionAppZipTests : IDisposable
{
    private static readonly string Source = Path.Combine(RepoPaths.Root, "functions", "function-app");
    private readonly string _out = Directory.CreateTempSubdirectory("package-").FullName;

    public void Dispose() => Directory.Delete(_out, true);

    [Fact]
    public async Task The_zip_holds_host_json_the_executable_it_names_and_every_function_folder_as_in_the_source()
    {
        var build = await ProcessRunner.RunAsync(
            "bash", [Path.Combine(RepoPaths.Root, "scripts", "package.sh"), "--functions-only", "--out", _out], timeout: TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, build.Combined);

        using var zip = ZipFile.OpenRead(Path.Combine(_out, "functions.zip"));
        var entries = zip.Entries.ToDictionary(e => e.FullName, StringComparer.Ordinal);

        // host.json at the root, the same file as in the source.
        Assert.True(entries.ContainsKey("host.json"), "host.json is not at the root of the zip");
        Assert.Equal(File.ReadAllText(Path.Combine(Source, "host.json")), Read(entries["host.json"]));

        // The executable it launches is a file of the zip, with the exec bit: the host cannot chmod in wwwroot.
        var description = JsonNode.Parse(Read(entries["host.json"]))!["customHandler"]!["description"]!;
        var executable = description["defaultExecutablePath"]!.ToString();
        Assert.True(entries.TryGetValue(executable, out var exe), $"host.json launches '{executable}', which is not in the zip");
        var mode = (UnixFileMode)((exe.ExternalAttributes >> 16) & 0xFFF);
        Assert.True(mode.HasFlag(UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute), $"{executable} has mode {mode}");
        Assert.Equal(0x8000, (exe.ExternalAttributes >> 16) & 0xF000); // a regular file

        // Every entry made by Unix with mode 0755 (the launched executable, createdump) or 0644, whatever the OS that built it.
        Assert.All(FunctionAppZipModeTests.MadeBy(Path.Combine(_out, "functions.zip")), host => Assert.Equal(3, host));
        Assert.All(zip.Entries, e => Assert.Contains(Convert.ToString((e.ExternalAttributes >> 16) & 0xFFFF, 8), new[] { "100755", "100644" }));

        // Self-contained: it runs under the Flex "custom" runtime, which has no dotnet (ADR 0013).
        var runtimeConfig = JsonNode.Parse(Read(entries["Functions.runtimeconfig.json"]))!["runtimeOptions"]!;
        Assert.NotNull(runtimeConfig["includedFrameworks"]);
        Assert.Contains("libhostfxr.so", entries.Keys);
        Assert.Contains("Functions.dll", entries.Keys);

        // One folder per function with function.json identical to the source, and nothing else in folders.
        var sourceFunctions = Directory.GetDirectories(Source).Select(d => Path.GetFileName(d)).Order(StringComparer.Ordinal).ToList();
        var zipFunctions = entries.Keys.Where(k => k.EndsWith("/function.json", StringComparison.Ordinal))
            .Select(k => k[..^"/function.json".Length]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(sourceFunctions, zipFunctions);
        foreach (var function in sourceFunctions)
        {
            Assert.Equal(File.ReadAllText(Path.Combine(Source, function, "function.json")), Read(entries[$"{function}/function.json"]));
        }

        // No folder without function.json: the host would skip it, so it is stray (publish's wwwroot, runtimes/…
        // would be folders too: a self-contained linux-x64 publish flattens them).
        var folders = entries.Keys.Where(k => k.Contains('/', StringComparison.Ordinal)).Select(k => k[..k.IndexOf('/', StringComparison.Ordinal)]).Distinct();
        Assert.Empty(folders.Except(zipFunctions));

        // No development leftovers.
        Assert.DoesNotContain(entries.Keys, k => k.StartsWith("appsettings.Development", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(entries.Keys, k => k.Equals("local.settings.json", StringComparison.OrdinalIgnoreCase));

        // Unzipped as the platform does, it starts with no dotnet anywhere on PATH (its own runtime, its own mode bits).
        var unpacked = Path.Combine(_out, "wwwroot");
        ZipFile.ExtractToDirectory(Path.Combine(_out, "functions.zip"), unpacked);
        var help = await ProcessRunner.RunAsync(
            Path.Combine(unpacked, executable), ["--help"], new Dictionary<string, string?> { ["PATH"] = "/nonexistent", ["DOTNET_ROOT"] = null }, unpacked);
        Assert.True(help.ExitCode == 0, help.Combined);
        Assert.Contains("migrate", help.StandardOutput, StringComparison.Ordinal);

        // The checksum line is sha256sum's format for the zip.
        var sums = File.ReadAllLines(Path.Combine(_out, "SHA256SUMS"));
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(_out, "functions.zip"))));
        Assert.Equal([$"{hash}  functions.zip"], sums);
    }

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }
}
