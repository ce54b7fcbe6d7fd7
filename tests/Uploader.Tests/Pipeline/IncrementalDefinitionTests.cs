using PecLists.Contracts;

namespace PecLists.Uploader.Tests;

/// <summary>Incremental definitions the run cannot honour are not run, with a message that says why; nothing is guessed.</summary>
public sealed class IncrementalDefinitionTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task An_incremental_definition_without_a_cursor_is_not_run()
    {
        var list = TestSigning.SignFull(new ListDefinitionDto("usuarios", 1, "SELECT 1 AS id", [new("id", "integer")], ["id"], Mode: LoadModes.Incremental));
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([list])));
        var said = new List<string>();

        var result = await PipelineRuns.RunAsync(backend, new TextSource(new Dictionary<string, string> { ["usuarios"] = "id\n1\n" }), _dir.Combine("spool"), T0, onEvent: e => said.Add(e.Message));

        Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode);
        Assert.DoesNotContain(backend.Requests, r => r.Method == "PUT");
        Assert.Contains(said, m => m.Contains("needs a cursor column and a key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_incremental_list_whose_source_cannot_read_changes_is_not_run()
    {
        var list = TestSigning.SignFull(new ListDefinitionDto("usuarios", 1, "SELECT 1 AS id", [new("id", "integer")], ["id"], Mode: LoadModes.Incremental, Incremental: new IncrementalDto("updated_at")));
        await using var backend = await StubBackend.StartAsync(PipelineRuns.Serving(new ListCatalogDto([list])));
        var said = new List<string>();

        var result = await PipelineRuns.RunAsync(backend, new TextSource(new Dictionary<string, string> { ["usuarios"] = "id\n1\n" }), _dir.Combine("spool"), T0, onEvent: e => said.Add(e.Message));

        Assert.Equal(ExitCodes.DefinitionSignature, result.ExitCode);
        Assert.DoesNotContain(backend.Requests, r => r.Method == "PUT");
        Assert.Contains(said, m => m.Contains("needs a PostgreSQL source", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.csv.gz*", SearchOption.AllDirectories));
    }
}
