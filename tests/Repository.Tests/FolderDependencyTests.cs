using System.Text.RegularExpressions;

namespace Repository.Tests;

/// <summary>
/// The folders of each deployable (one namespace each: PecLists.Functions.&lt;Folder&gt;, PecLists.Uploader.&lt;Folder&gt;)
/// depend on each other without cycles, and exactly as the diagram of its ADR says (the backend's in
/// docs/adr/0007-backend-composition.md, the uploader's in docs/adr/0017-uploader-run-pipeline.md). A folder depends on
/// another when one of its files imports it (<c>using PecLists.Uploader.Spooling;</c>) or names one of its types
/// qualified by the folder (<c>Spooling.RunLog</c>, <c>PecLists.Uploader.Spooling.RunLog</c>).
/// </summary>
public sealed partial class FolderDependencyTests
{
    public static TheoryData<string, string> Projects() => new()
    {
        { "functions", "PecLists.Functions" },
        { "uploader", "PecLists.Uploader" },
    };

    private static readonly Dictionary<string, string> Adrs = new(StringComparer.Ordinal)
    {
        ["functions"] = "docs/adr/0007-backend-composition.md",
        ["uploader"] = "docs/adr/0017-uploader-run-pipeline.md",
    };

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_adr_diagram_is_the_graph_the_code_has(string project, string rootNamespace)
    {
        var code = ReadGraph(project, rootNamespace).SelectMany(f => f.Value.Select(to => $"{f.Key} -> {to}")).Order(StringComparer.Ordinal).ToList();

        var documented = DocumentedEdges(Adrs[project]);

        Assert.True(code.SequenceEqual(documented),
            $"{Adrs[project]}'s diagram is not the folders' dependencies. Missing from the diagram: {string.Join(", ", code.Except(documented))}. " +
            $"In the diagram only: {string.Join(", ", documented.Except(code))}.");
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void The_folders_depend_on_each_other_without_cycles(string project, string rootNamespace)
    {
        var graph = ReadGraph(project, rootNamespace);

        var cycle = FindCycle(graph);

        Assert.True(cycle is null, $"{project}/ folder dependency cycle: {string.Join(" -> ", cycle ?? [])}. Move what both need to a folder below both (docs/adr/0007-backend-composition.md).");
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
    public void The_graph_is_read_from_every_folder_by_imports_and_by_qualified_names()
    {
        var functions = ReadGraph("functions", "PecLists.Functions");
        var uploader = ReadGraph("uploader", "PecLists.Uploader");

        Assert.Contains("Http", functions["Loading"]);
        Assert.Contains("Pipeline", uploader["Commands"]); // using PecLists.Uploader.Pipeline;
        var folders = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["Spooling"] = new HashSet<string> { "RunLog" },
            ["Output"] = new HashSet<string> { "TerminalProgress" },
            ["Data"] = new HashSet<string> { "Migrator" },
            ["Commands"] = new HashSet<string>(),
        };
        Assert.Equal(["Spooling"], Dependencies("var log = new Spooling.RunLog(Console.Out, dir); // Output.TerminalProgress in a comment", "Commands", folders, "PecLists.Uploader"));
        Assert.Equal(["Output"], Dependencies("using PecLists.Uploader.Output;", "Commands", folders, "PecLists.Uploader"));
        Assert.Empty(Dependencies("if (!Data.TryGetValue(name, out var value))", "Commands", folders, "PecLists.Uploader"));
    }

    [Fact]
    public void The_uploader_commands_only_parse_call_and_print()
    {
        // Issue 21: the product's logic lives in services a test can call; a command holds no SQL, HTTP, retry or classification.
        string[] forbidden = ["Npgsql", "HttpClient", "HttpRequestMessage", "Polly", "SqlState", "SELECT ", "FailureCategories."];
        var found = (
            from path in Directory.GetFiles(Path.Combine(RepositoryFiles.Root, "uploader", "Commands"), "*.cs")
            from line in File.ReadLines(path).Select((text, index) => (Text: text, Number: index + 1))
            from word in forbidden
            where line.Text.Contains(word, StringComparison.Ordinal)
            select $"uploader/Commands/{Path.GetFileName(path)}:{line.Number}: {word}").ToList();

        Assert.True(found.Count == 0, "Move this logic out of uploader/Commands/ into the service the command calls:\n" + string.Join('\n', found));
    }

    /// <summary>The edges of the mermaid diagram in <paramref name="adr"/> ("A --> B &amp; C" is A -> B and A -> C), sorted.</summary>
    private static List<string> DocumentedEdges(string adr)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root, adr));
        var start = text.IndexOf("```mermaid", StringComparison.Ordinal);
        Assert.True(start >= 0, $"{adr} has no mermaid diagram of its folders");
        var diagram = text[start..text.IndexOf("```", start + 3, StringComparison.Ordinal)];
        return [.. diagram.Split('\n')
            .Select(line => MermaidEdges().Match(line))
            .Where(m => m.Success)
            .SelectMany(m => m.Groups["to"].Value.Split('&', StringSplitOptions.TrimEntries).Select(to => $"{m.Groups["from"].Value} -> {to}"))
            .Distinct()
            .Order(StringComparer.Ordinal)];
    }

    /// <summary>Folder → the folders its files depend on, ignoring a folder's references to itself.</summary>
    private static Dictionary<string, SortedSet<string>> ReadGraph(string project, string rootNamespace)
    {
        var root = Path.Combine(RepositoryFiles.Root, project);
        var folders = Directory.GetDirectories(root)
            .Where(d => Directory.GetFiles(d, "*.cs", SearchOption.TopDirectoryOnly).Length > 0 && Path.GetFileName(d) is not ("bin" or "obj"))
            .ToDictionary(
                d => Path.GetFileName(d),
                d => (IReadOnlySet<string>)Directory.GetFiles(d, "*.cs", SearchOption.AllDirectories).Select(Path.GetFileNameWithoutExtension).OfType<string>().ToHashSet(StringComparer.Ordinal),
                StringComparer.Ordinal);
        var graph = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var name in folders.Keys)
        {
            graph[name] = new SortedSet<string>(
                Directory.GetFiles(Path.Combine(root, name), "*.cs", SearchOption.AllDirectories).SelectMany(File.ReadLines).SelectMany(line => Dependencies(line, name, folders, rootNamespace)),
                StringComparer.Ordinal);
        }

        return graph;
    }

    /// <summary>
    /// The folders one line of <paramref name="folder"/> depends on, outside comments: imported, or named as
    /// Folder.Type where Type is one of that folder's types (one type per file: its file names), so a property that
    /// shares a folder's name (<c>Data.TryGetValue</c>) is not read as the folder.
    /// </summary>
    private static IEnumerable<string> Dependencies(string line, string folder, IReadOnlyDictionary<string, IReadOnlySet<string>> folders, string rootNamespace)
    {
        var code = line.Split("//", 2)[0];
        var alternatives = string.Join('|', folders.Keys.Select(Regex.Escape));
        var pattern = $@"^\s*(global\s+)?using\s+{Regex.Escape(rootNamespace)}\.(?<folder>{alternatives})\s*;|(?<![\w.]|{Regex.Escape(rootNamespace)}\.)(?:{Regex.Escape(rootNamespace)}\.)?(?<folder>{alternatives})\.(?<type>[A-Z]\w*)";
        return Regex.Matches(code, pattern)
            .Where(m => !m.Groups["type"].Success || folders[m.Groups["folder"].Value].Contains(m.Groups["type"].Value))
            .Select(m => m.Groups["folder"].Value)
            .Where(f => f != folder)
            .Distinct(StringComparer.Ordinal);
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
}
