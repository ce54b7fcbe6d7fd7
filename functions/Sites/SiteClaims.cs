using System.Security.Claims;

namespace PecLists.Functions.Sites;

/// <summary>The site a request acts for, from its authenticated token.</summary>
public static class SiteClaims
{
    public static string Site(this ClaimsPrincipal user) =>
        user.FindFirst(SiteTokenAuthentication.SiteClaim)?.Value ?? throw new InvalidOperationException("No site claim.");
}
