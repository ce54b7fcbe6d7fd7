using System.Reflection;
using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace Repository.Tests;

/// <summary>
/// Every value of the wire vocabulary is spelled once, in contracts/: heartbeat kinds, run outcomes, OS names, health
/// and snapshot statuses, snapshot error codes (the failed-load codes included), definition refusal codes, delivery
/// kinds (X-Delivery), the codes of a refused list publish and the X-Extracted-At format. The product's code (uploader/,
/// functions/, tools/) names the constant; a quoted copy of a value anywhere else fails here, so a renamed value cannot
/// leave one side speaking the old word. Tests are exempt: they
/// spell the wire on their own on purpose.
/// </summary>
public sealed partial class WireVocabularyTests
{
    private static readonly string[] ProductFolders = ["uploader/", "functions/", "tools/"];

    /// <summary>The classes of contracts/ whose constants are the vocabulary.</summary>
    private static readonly Type[] Vocabulary =
    [
        typeof(HeartbeatKinds), typeof(RunOutcomes), typeof(OsNames), typeof(HealthStatuses), typeof(SnapshotErrorCodes),
        typeof(SnapshotStatuses), typeof(DefinitionCodes), typeof(SnapshotUploadRequest), typeof(DeliveryKinds), typeof(PublishCodes),
        typeof(FullDeliveryReasons),
    ];

    /// <summary>
    /// Lines where the same word is not the wire value: command names ("run", "doctor", "held" are also verbs of the
    /// uploader and the operator CLI) as System.CommandLine declares them and as tools start the uploader with them;
    /// .NET's own platform names; a table's column headers; the keys of an invocation's outputs; the demo's search of
    /// the bilingual log for its words; the codes 1.x uploaders sent, mapped to today's categories; the uploader's command names (uploader/CommandNames.cs).
    /// </summary>
    private static readonly Regex[] NotTheWireValue =
    [
        CommandDeclaration(),
        UploaderCommandLine(),
        PlatformAttribute(),
        new(@"string\[\] header = \["),
        new(@"^\s*\[""\w+""\] = "),
        new("\"rejeitad\""),
        new(@"^\s*""\w+"" => FailureCategories\.\w+,$"),
        new(@"^\s*public const string \w+ = ""[a-z-]+""; // command$"),
    ];

    public static TheoryData<string> Values() => [.. AllValues()];

    private static IEnumerable<string> AllValues() => Vocabulary
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.Static))
        .Where(f => f.IsLiteral && f.FieldType == typeof(string))
        .Select(f => (string)f.GetRawConstantValue()!)
        .Distinct(StringComparer.Ordinal);

    [Fact]
    public void The_vocabulary_holds_the_values_the_issue_named()
    {
        var values = AllValues().ToHashSet(StringComparer.Ordinal);

        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal)
            {
                "run", "doctor", "install", "ok", "failed", "windows", "linux", "degraded", "transient", "load-timeout", "cancelled",
                "yyyy-MM-dd'T'HH:mm:ss.fffK",
            },
            values);
    }

    [Theory]
    [MemberData(nameof(Values))]
    public void A_wire_value_is_quoted_only_in_contracts(string value)
    {
        var quoted = '"' + value + '"';
        var copies = (
            from path in RepositoryFiles.Paths
            where path.EndsWith(".cs", StringComparison.Ordinal) && ProductFolders.Any(f => path.StartsWith(f, StringComparison.Ordinal))
            from line in File.ReadLines(Path.Combine(RepositoryFiles.Root, path)).Select((text, index) => (Text: text, Number: index + 1))
            where line.Text.Contains(quoted, StringComparison.Ordinal)
                && !line.Text.TrimStart().StartsWith("//", StringComparison.Ordinal)
                && !line.Text.TrimStart().StartsWith("///", StringComparison.Ordinal)
                && !NotTheWireValue.Any(r => r.IsMatch(line.Text))
            select $"{path}:{line.Number}: {line.Text.Trim()}").ToList();

        Assert.True(copies.Count == 0, $"{quoted} is a wire value owned by contracts/; name its constant instead:\n{string.Join('\n', copies)}");
    }

    [Fact]
    public void The_check_finds_a_quoted_copy_and_lets_a_command_name_be()
    {
        Assert.Matches(CommandDeclaration(), """        var run = new Command("run", Localized.Text("Extract every list", "Extrai"));""");
        Assert.Matches(UploaderCommandLine(), """            [RepoPaths.UploaderDll, "run", "--config", m.ConfigPath],""");
        Assert.DoesNotMatch(UploaderCommandLine(), """        if (h.Kind is not ("run" or "doctor" or "install"))""");
        Assert.DoesNotMatch(CommandDeclaration(), """            Kind: "run",""");
        Assert.Matches(PlatformAttribute(), """[SupportedOSPlatform("windows")]""");
        Assert.Contains(NotTheWireValue, r => r.IsMatch("""        "rejected" => FailureCategories.SnapshotRejected,"""));
        Assert.DoesNotContain(NotTheWireValue, r => r.IsMatch("""    if (thisRound.Any(s => s.Status != "loaded"))"""));
        Assert.DoesNotContain(NotTheWireValue, r => r.IsMatch("""            return new LoadResult(SnapshotStatuses.Held) { Path = "held" };"""));
        Assert.DoesNotMatch(PlatformAttribute(), """    Os: OperatingSystem.IsWindows() ? "windows" : "linux",""");
    }

    [GeneratedRegex("""new Command\("[a-z-]+",""")]
    private static partial Regex CommandDeclaration();

    [GeneratedRegex("\"(run|doctor|install)\", \"--config\",")]
    private static partial Regex UploaderCommandLine();

    [GeneratedRegex("""\[(Supported|Unsupported)OSPlatform\("windows"\)\]""")]
    private static partial Regex PlatformAttribute();
}
