namespace PecLists.Uploader.Tests;

/// <summary>
/// The real uploader program started as a child process with a given locale environment: proves end to end that the
/// OS locale picks the language (this test process itself is pinned to English, the child is not).
/// </summary>
public sealed class OperatingSystemLanguageTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    /// <summary>Runs the uploader with only <paramref name="locale"/> set among LC_ALL / LC_MESSAGES / LANG.</summary>
    private static Task<(int ExitCode, string Output)> RunUploaderAsync(IReadOnlyDictionary<string, string> locale, params string[] arguments)
    {
        var environment = new Dictionary<string, string> { ["LC_ALL"] = string.Empty, ["LC_MESSAGES"] = string.Empty, ["LANG"] = string.Empty };
        foreach (var (name, value) in locale)
        {
            environment[name] = value;
        }

        return UploaderProcess.RunAsync(arguments, environment);
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
