using System.Text.Json.Nodes;
using PecLists.Functions.Commands;

namespace PecLists.Functions.Tests.Commands;

/// <summary>Removing a member from a definition file leaves every other byte as the operator wrote it, and valid JSON.</summary>
public sealed class JsonMemberTests
{
    private const string File = "{\n  \"name\": \"x\",\n  \"signature\": \"abc\",\n  // why\n  \"version\": 1\n}\n";

    [Theory]
    [InlineData("name", "{\n  \"signature\": \"abc\",\n  // why\n  \"version\": 1\n}\n")]
    [InlineData("signature", "{\n  \"name\": \"x\",\n  // why\n  \"version\": 1\n}\n")]
    [InlineData("version", "{\n  \"name\": \"x\",\n  \"signature\": \"abc\"\n}\n")]
    [InlineData("absent", File)]
    public void Removing_the_first_a_middle_the_last_or_an_absent_member_keeps_the_rest_as_written(string member, string expected)
    {
        var removed = JsonMember.RemoveTopLevel(File, member);

        Assert.Equal(expected, removed);
        Assert.NotNull(JsonNode.Parse(removed, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip }));
    }

    [Fact]
    public void Removing_the_only_member_leaves_an_empty_object() =>
        Assert.Empty(JsonNode.Parse(JsonMember.RemoveTopLevel("{\n  \"signature\": \"abc\"\n}", "signature"))!.AsObject());

    [Fact]
    public void A_member_of_a_nested_object_with_the_same_name_is_left_alone() =>
        Assert.Equal(
            "{ \"source\": { \"signature\": 1 } }",
            JsonMember.RemoveTopLevel("{ \"source\": { \"signature\": 1 }, \"signature\": \"abc\" }", "signature"));
}
