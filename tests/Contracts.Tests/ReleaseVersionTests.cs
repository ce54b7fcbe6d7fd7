namespace PecLists.Contracts.Tests;

/// <summary>The one rule both sides order release versions by: publish refuses what is not above, the uploader what is below.</summary>
public sealed class ReleaseVersionTests
{
    [Theory]
    [InlineData("1.9.9", "1.10.0")]
    [InlineData("0.2.0", "0.2.1")]
    [InlineData("1.4.0", "2.0.0")]
    [InlineData("9.0.0", "10.0.0")]
    public void Versions_order_part_by_part_as_numbers(string lower, string higher)
    {
        Assert.True(ReleaseVersion.TryParse(lower, out var a));
        Assert.True(ReleaseVersion.TryParse(higher, out var b));
        Assert.True(a < b);
        Assert.True(b > a);
        Assert.Equal(higher, b.ToString());
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("1.2.3.4")]
    [InlineData("01.2.3")]
    [InlineData("1.2.3-rc1")]
    [InlineData("1.2.65535")]
    [InlineData("1..3")]
    [InlineData(" 1.2.3")]
    [InlineData("١.2.3")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_but_canonical_major_minor_patch_is_not_a_release_version(string? text) =>
        Assert.False(ReleaseVersion.TryParse(text, out _));
}
