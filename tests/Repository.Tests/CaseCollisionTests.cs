namespace Repository.Tests;

/// <summary>
/// No two paths may differ only by case: on Windows and macOS (case-insensitive disks) a clone merges them into one
/// file or folder, as functions/ingest (function.json) and functions/Ingest (code) once were.
/// </summary>
public sealed class CaseCollisionTests
{
    /// <summary>Pairs of paths (files or the folders leading to them) that are equal ignoring case, but not equal.</summary>
    internal static IReadOnlyList<(string First, string Second)> Collisions(IEnumerable<string> files)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            var parts = file.Split('/');
            for (var i = 1; i <= parts.Length; i++)
            {
                paths.Add(string.Join('/', parts.Take(i)));
            }
        }

        return [.. paths.GroupBy(p => p, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.Order(StringComparer.Ordinal).ToArray())
            .Where(g => g.Length > 1)
            .SelectMany(g => g.Skip(1).Select(other => (g[0], other)))
            .OrderBy(pair => pair.Item1, StringComparer.Ordinal)];
    }

    [Fact]
    public void No_two_paths_in_the_repository_differ_only_by_case()
    {
        Assert.NotEmpty(RepositoryFiles.Paths);

        var collisions = Collisions(RepositoryFiles.Paths);

        Assert.True(collisions.Count == 0,
            "Paths that are one path on a case-insensitive disk (Windows, macOS):" + Environment.NewLine
            + string.Join(Environment.NewLine, collisions.Select(c => $"  {c.First}  <->  {c.Second}")));
    }

    [Fact]
    public void The_check_names_a_folder_that_collides_with_another()
    {
        var collisions = Collisions(["functions/Ingest/SnapshotIngestor.cs", "functions/ingest/function.json", "functions/Loading/LoadFunction.cs", "functions/load/function.json"]);

        Assert.Equal([("functions/Ingest", "functions/ingest")], collisions);
    }

    [Fact]
    public void The_check_names_files_that_collide()
    {
        Assert.Equal([("docs/Design.md", "docs/design.md")], Collisions(["docs/design.md", "docs/Design.md", "README.md"]));
    }
}
