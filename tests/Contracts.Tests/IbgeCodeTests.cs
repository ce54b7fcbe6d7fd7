using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed class IbgeCodeTests
{
    [Theory]
    [InlineData("2611606", true)]
    [InlineData("5200258", true)]
    [InlineData("261160", false)]
    [InlineData("26116060", false)]
    [InlineData("26116O6", false)]
    [InlineData("２６１１６０６", false)]
    [InlineData(" 2611606", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void A_site_is_seven_ASCII_digits(string? code, bool valid) => Assert.Equal(valid, IbgeCode.IsValid(code));
}
