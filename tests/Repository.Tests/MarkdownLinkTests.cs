using System.Text.RegularExpressions;

namespace Repository.Tests;

/// <summary>
/// A markdown link must not leave the repository (as ../shared/DESIGN.md once did): what it points to is not in a
/// clone, so the link is dead for every reader.
/// </summary>
public sealed partial class MarkdownLinkTests
{
    public static TheoryData<string> MarkdownFiles() =>
        [.. RepositoryFiles.Paths.Where(p => p.EndsWith(".md", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal)];

    /// <summary>The relative targets of the links in a markdown text (inline, reference definitions, images, HTML href/src), outside code.</summary>
    internal static IEnumerable<string> RelativeTargets(string markdown)
    {
        var text = InlineCode().Replace(FencedCode().Replace(markdown, string.Empty), string.Empty);
        var targets = InlineLink().Matches(text).Select(m => m.Groups["target"].Value)
            .Concat(ReferenceDefinition().Matches(text).Select(m => m.Groups["target"].Value))
            .Concat(HtmlLink().Matches(text).Select(m => m.Groups["target"].Value));
        return targets
            .Select(t => t.Trim('<', '>'))
            .Where(t => t.Length > 0 && !t.StartsWith('#') && !UriScheme().IsMatch(t));
    }

    /// <summary>Links of one markdown file (path relative to the root) that resolve outside the root.</summary>
    internal static IReadOnlyList<string> LinksLeaving(string root, string markdownPath, string markdown)
    {
        var rootFull = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        var folder = Path.GetDirectoryName(Path.Combine(rootFull, markdownPath))!;
        return [.. RelativeTargets(markdown).Where(target =>
        {
            var path = Uri.UnescapeDataString(target.Split('#', '?')[0]);
            // A leading '/' is the repository root on GitHub.
            var full = Path.GetFullPath(path.StartsWith('/') ? Path.Combine(rootFull, path.TrimStart('/')) : Path.Combine(folder, path));
            return !(full == rootFull || full.StartsWith(rootFull + Path.DirectorySeparatorChar, StringComparison.Ordinal));
        })];
    }

    [Theory]
    [MemberData(nameof(MarkdownFiles))]
    public void No_link_points_outside_the_repository(string markdownFile)
    {
        var leaving = LinksLeaving(RepositoryFiles.Root, markdownFile, File.ReadAllText(Path.Combine(RepositoryFiles.Root, markdownFile)));

        Assert.True(leaving.Count == 0, $"{markdownFile} links outside the repository: {string.Join(", ", leaving)}");
    }

    [Fact]
    public void The_check_finds_a_link_that_leaves_the_repository()
    {
        var root = Path.Combine(Path.GetTempPath(), "repo");
        const string Markdown = """
            See [the design](../shared/DESIGN.md), [an ADR](docs/adr/0001.md), [down and back](docs/../README.md),
            [the site](https://example.org/a/../b) and [a section](#contract).

            [ref]: ../../outside.md "title"
            <a href="../../x.md">x</a>

            ```
            [in code](../../../not-a-link.md)
            ```
            """;

        Assert.Equal(["../shared/DESIGN.md", "../../outside.md", "../../x.md"], LinksLeaving(root, "README.md", Markdown));
    }

    [GeneratedRegex(@"^\s*(```|~~~).*?^\s*\1", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\(\s*(?<target><[^>]*>|[^)\s]+)(\s+(""[^""]*""|'[^']*'|\([^)]*\)))?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*(?<target>\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"\b(?:href|src)\s*=\s*[""'](?<target>[^""']+)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlLink();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex UriScheme();
}
