using System.Diagnostics;

namespace Ingest.Uploader.Tests;

/// <summary>
/// The real uploader program started as a child process with a given locale environment: proves end to end that the
/// OS locale picks the language (this test process itself is pinned to English, the child is not).
/// </summary>
public sealed class OperatingSystemLanguageTests : IDisposable
{
    private static readonly string[] LocaleVariables = ["LC_ALL", "LC_MESSAGES", "LANG"];
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>The uploader build the test project references is copied next to the tests.</summary>
    private static string UploaderDll => Path.Combine(AppContext.BaseDirectory, "uploader.dll");

    private static async Task<(int ExitCode, string Output)> RunUploaderAsync(IReadOnlyDictionary<string, string> locale, params string[] arguments)
    {
        Assert.True(File.Exists(UploaderDll), $"{UploaderDll} not built");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(UploaderDll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var variable in LocaleVariables)
        {
            startInfo.Environment.Remove(variable);
        }

        foreach (var (name, value) in locale)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task A_Brazilian_LANG_makes_doctor_speak_Portuguese()
    {
        var missing = _dir.Combine("missing", "config.json");

        var (exit, output) = await RunUploaderAsync(new Dictionary<string, string> { ["LANG"] = "pt_BR.UTF-8" }, "doctor", "--config", missing);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains($"[FALHA] config           Arquivo de configuração não encontrado: {missing}. Execute 'uploader install' primeiro ou informe --config.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("not found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_English_LANG_makes_doctor_speak_English()
    {
        var missing = _dir.Combine("missing", "config.json");

        var (exit, output) = await RunUploaderAsync(new Dictionary<string, string> { ["LANG"] = "en_US.UTF-8" }, "doctor", "--config", missing);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains($"[FAIL] config           Config file not found: {missing}. Run 'uploader install' first, or pass --config.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("não encontrado", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LC_ALL_overrides_a_Brazilian_LANG()
    {
        var missing = _dir.Combine("missing", "config.json");

        var (exit, output) = await RunUploaderAsync(new Dictionary<string, string> { ["LANG"] = "pt_BR.UTF-8", ["LC_ALL"] = "en_US.UTF-8" }, "doctor", "--config", missing);

        Assert.Equal(ExitCodes.Config, exit);
        Assert.Contains("Config file not found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Brazilian_LANG_describes_the_commands_in_Portuguese()
    {
        var (exit, output) = await RunUploaderAsync(new Dictionary<string, string> { ["LANG"] = "pt_BR.UTF-8" }, "--help");

        Assert.Equal(ExitCodes.Ok, exit);
        Assert.Contains("extrai as listas nominais somente leitura e as envia ao servidor central", output, StringComparison.Ordinal);
        Assert.Contains("Verifica tudo o que uma execução precisa", output, StringComparison.Ordinal);
        Assert.Contains("Caminho do arquivo de configuração.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Check everything a run needs", output, StringComparison.Ordinal);
    }
}
