using System.Reflection;
using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed partial class ProblemCodesTests
{
    private static IReadOnlyList<string> Codes() =>
        [.. typeof(ProblemCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!)];

    [Fact]
    public void Every_code_is_unique_lowercase_kebab_case()
    {
        var codes = Codes();

        Assert.True(codes.Count >= 25);
        Assert.Equal(codes.Count, codes.Distinct(StringComparer.Ordinal).Count());
        Assert.All(codes, code => Assert.Matches(KebabCase(), code));
    }

    [Theory]
    [InlineData(404, "not-found")]
    [InlineData(405, "method-not-allowed")]
    [InlineData(418, "http-418")]
    public void Routing_answers_get_a_code_from_their_status(int status, string code) => Assert.Equal(code, ProblemCodes.ForStatus(status));

    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KebabCase();
}
