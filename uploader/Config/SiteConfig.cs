namespace PecLists.Uploader.Config;

public sealed class SiteConfig
{
    public string Ibge { get; set; } = string.Empty;

    public string Token { get; set; } = string.Empty;
}
