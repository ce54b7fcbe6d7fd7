using System.Security.Cryptography;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class ContentDigestTests
{
    [Fact]
    public void Round_trips_a_sha256()
    {
        var hash = SHA256.HashData("abc"u8);

        Assert.True(ContentDigest.TryParseSha256(ContentDigest.Format(hash), out var parsed));
        Assert.Equal(hash, parsed);
        Assert.Equal("sha-256=:ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=:", ContentDigest.Format(hash));
    }

    [Fact]
    public void Finds_sha256_among_other_algorithms()
    {
        var hash = SHA256.HashData("abc"u8);

        Assert.True(ContentDigest.TryParseSha256("sha-512=:AAAA:, " + ContentDigest.Format(hash), out var parsed));
        Assert.Equal(hash, parsed);
    }

    [Fact]
    public void Two_sha256_members_that_disagree_are_refused()
    {
        var one = ContentDigest.Format(SHA256.HashData("a"u8));
        var other = ContentDigest.Format(SHA256.HashData("b"u8));

        Assert.False(ContentDigest.TryParseSha256($"{one}, {other}", out _));
        Assert.True(ContentDigest.TryParseSha256($"{one}, {one}", out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sha-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")]
    [InlineData("sha-256=:not base64:")]
    [InlineData("sha-256=:AAAA:")]
    [InlineData("md5=:kAFQmDzST7DWlj99KOF/cg==:")]
    public void Rejects_malformed_values(string? value) => Assert.False(ContentDigest.TryParseSha256(value, out _));
}
