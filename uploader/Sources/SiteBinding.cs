using PecLists.Contracts;

namespace PecLists.Uploader.Sources;

/// <summary>
/// A verified definition as one site runs it: <c>{ibge}</c> in an HTTP source's URL becomes the site's code (an API
/// that serves each municipality at its own address). Done after the signature check, on a copy.
/// </summary>
public static class SiteBinding
{
    public const string IbgePlaceholder = "{ibge}";

    public static ListDefinitionDto ForSite(ListDefinitionDto list, string ibge) =>
        list.Source is { Url: { } url } source && url.Contains(IbgePlaceholder, StringComparison.Ordinal)
            ? list with { Source = source with { Url = url.Replace(IbgePlaceholder, Uri.EscapeDataString(ibge), StringComparison.Ordinal) } }
            : list;
}
