using System.Reflection;
using System.Text.RegularExpressions;

namespace PecLists.Contracts.Tests;

public sealed partial class PublishCodesTests
{
    private static IReadOnlyList<string> Codes() =>
        [.. typeof(PublishCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(PublishCodes.ProblemMember))
            .Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void Every_publish_code_is_unique_lowercase_kebab_case_and_none_is_a_problem_code()
    {
        var codes = Codes();
        var problemCodes = typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);

        Assert.True(codes.Count >= 40);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches(KebabCase(), code));
        Assert.Empty(codes.Intersect(problemCodes, StringComparer.Ordinal));
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex KebabCase();
}
