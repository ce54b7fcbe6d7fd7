using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Sources;

/// <summary>
/// Which page a message is about: its number (from 1) and its address without the query (a query may hold a token or
/// cursor the API handed out; the page number says where the walk was).
/// </summary>
public sealed record PageAddress(int Number, Uri Url)
{
    public string English => $"page {Number} ({Url.GetLeftPart(UriPartial.Path)})";

    public string Portuguese => $"página {Number} ({Url.GetLeftPart(UriPartial.Path)})";

    public override string ToString() => Localized.Text(English, Portuguese);
}
