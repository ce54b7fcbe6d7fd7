using System.Text.RegularExpressions;
using LocalInfra;

namespace PecLists.Functions.Tests.Architecture;

/// <summary>
/// The backend's folders (each one namespace, PecLists.Functions.&lt;Folder&gt;) depend on each other without cycles
/// (docs/adr/0007-backend-composition.md). Read from the <c>using PecLists.Functions.X;</c> lines of each folder's files.
/// </summary>
public sealed partial class FolderDependencyTests
{
    private static readonly string FunctionsRoot = Path.Combine(RepoPaths.Root, "functions");

    [Fact]
    public void The_backend_folders_depend_on_each_other_without_cycles()
    {
        var graph = ReadGraph();

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"Folder dependency cycle: {string.Join(" -> ", cycle ?? [])}. Move what both need to a folder below both (docs/adr/0007-backend-composition.md).");
    }

    [Fact]
    public void The_cycle_finder_names_the_cycle()
    {
        var graph = new Dictionary<string, SortedSet<string>>
        {
            ["Hosting"] = ["Loading"],
            ["Loading"] = ["Http", "Hosting"],
            ["Http"] = [],
        };

        Assert.Equal(["Hosting", "Loading", "Hosting"], FindCycle(graph));
        Assert.Null(FindCycle(new Dictionary<string, SortedSet<string>> { ["Loading"] = ["Http"], ["Http"] = [] }));
    }

    [Fact]
    public void The_graph_is_read_from_every_folder()
    {
        var graph = ReadGraph();

        Assert.Contains("Hosting", graph.Keys);
        Assert.Contains("Http", graph["Loading"]);
    }

    [Fact]
    public void The_adr_diagram_is_the_graph_the_code_has()
    {
        var code = ReadGraph().SelectMany(f => f.Value.Select(to => $"{f.Key} -> {to}")).Order(StringComparer.Ordinal).ToList();

        var documented = DocumentedEdges();

        Assert.True(code.SequenceEqual(documented),
            $"docs/adr/0007-backend-composition.md's diagram is not the folders' imports. Missing from the diagram: {string.Join(", ", code.Except(documented))}. " +
            $"In the diagram only: {string.Join(", ", documented.Except(code))}.");
    }

    /// <summary>The edges of the mermaid diagram in ADR 0007 ("A --> B & C" is A -> B and A -> C), sorted.</summary>
    private static List<string> DocumentedEdges()
    {
        var adr = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "adr", "0007-backend-composition.md"));
        var start = adr.IndexOf("```mermaid", StringComparison.Ordinal);
        var diagram = adr[start..adr.IndexOf("```", start + 3, StringComparison.Ordinal)];
        return [.. diagram.Split('\n')
            .Select(line => MermaidEdges().Match(line))
            .Where(m => m.Success)
            .SelectMany(m => m.Groups["to"].Value.Split('&', StringSplitOptions.TrimEntries).Select(to => $"{m.Groups["from"].Value} -> {to}"))
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Folder → the folders its files import, ignoring a folder's imports of itself.</summary>
    private static Dictionary<string, SortedSet<string>> ReadGraph()
    {
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(FunctionsRoot))
        {
            var name = Path.GetFileName(folder);
            var files = Directory.GetFiles(folder, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .ToList();
            if (files.Count == 0)
            {
                continue; // function.json folders, bin, obj
            }

            var imports = graph[name] = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var line in files.SelectMany(File.ReadLines))
            {
                if (FolderUsing().Match(line) is { Success: true } match && match.Groups["folder"].Value != name)
                {
                    imports.Add(match.Groups["folder"].Value);
                }
            }
        }

        return graph;
    }

    /// <summary>The first cycle found by depth-first search, as the path that closes it (A -> B -> A); null when there is none.</summary>
    private static List<string>? FindCycle(IReadOnlyDictionary<string, SortedSet<string>> graph)
    {
        var done = new HashSet<string>(StringComparer.Ordinal);
        var path = new List<string>();

        List<string>? Visit(string folder)
        {
            var onPath = path.IndexOf(folder);
            if (onPath >= 0)
            {
                return [.. path[onPath..], folder];
            }

            if (!done.Add(folder))
            {
                return null;
            }

            path.Add(folder);
            foreach (var next in graph.GetValueOrDefault(folder) ?? [])
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }

            path.RemoveAt(path.Count - 1);
            return null;
        }

        return graph.Keys.Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(c => c is not null);
    }

    [GeneratedRegex(@"^\s*(?<from>[A-Za-z]+)\s*-->\s*(?<to>[A-Za-z& ]+?)\s*$")]
    private static partial Regex MermaidEdges();

    [GeneratedRegex(@"^\s*(global\s+)?using\s+PecLists\.Functions\.(?<folder>[A-Za-z0-9_]+)\s*;")]
    private static partial Regex FolderUsing();
}
