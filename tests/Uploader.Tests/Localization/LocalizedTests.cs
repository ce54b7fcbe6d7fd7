using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Tests;

public sealed class LocalizedTests
{
    [Theory]
    [InlineData("pt_BR.UTF-8", Language.Portuguese)]
    [InlineData("pt_BR", Language.Portuguese)]
    [InlineData("pt-BR", Language.Portuguese)]
    [InlineData("pt_PT.UTF-8@euro", Language.Portuguese)]
    [InlineData("en_US.UTF-8", Language.English)]
    [InlineData("es_AR.UTF-8", Language.English)]
    [InlineData("C.UTF-8", null)]
    [InlineData("POSIX", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Locale_names_map_to_a_language_or_to_none(string? locale, Language? expected) =>
        Assert.Equal(expected, Localized.Parse(locale));

    [Fact]
    public async Task A_scoped_language_applies_to_its_own_async_flow_only()
    {
        using (Localized.Use(Language.Portuguese))
        {
            Assert.Equal("disco cheio", Localized.Text("disk full", "disco cheio"));
            var other = Task.Run(() =>
            {
                using (Localized.Use(Language.English))
                {
                    return Localized.Text("disk full", "disco cheio");
                }
            });
            Assert.Equal("disk full", await other);
            Assert.Equal("disco cheio", Localized.Text("disk full", "disco cheio"));
            Assert.Equal("1.234,5", 1234.5.ToString("N1", Localized.Culture));
        }

        using (Localized.Use(Language.English))
        {
            Assert.Equal("disk full", Localized.Text("disk full", "disco cheio"));
        }
    }
}
