using System.Security.Claims;

namespace PecLists.Functions.Sites;

/// <summary>The site (or operator) a request acts for, from its authenticated token.</summary>
public static class SiteClaims
{
    public static string Site(this ClaimsPrincipal user) =>
        user.FindFirst(SiteTokenAuthentication.SiteClaim)?.Value ?? throw new InvalidOperationException("No site claim.");

    /// <summary>The operator an admin request acts as, for the audit: "api:" and the operator token's name.</summary>
    public static string Operator(this ClaimsPrincipal user) =>
        "api:" + (user.FindFirst(SiteTokenAuthentication.AdminClaim)?.Value ?? throw new InvalidOperationException("No admin claim."));
}
