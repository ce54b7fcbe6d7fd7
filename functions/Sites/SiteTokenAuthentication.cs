using System.Security.Claims;
using System.Text.Encodings.Web;
using PecLists.Contracts;
using PecLists.Functions.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Sites;

/// <summary>
/// "Authorization: Bearer &lt;site token&gt;". The Functions level is anonymous for site-facing functions;
/// the app authenticates each site itself (docs/design.md §3).
/// </summary>
public sealed class SiteTokenAuthentication(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SiteToken";
    public const string SiteClaim = "site";
    public const string AdminClaim = "admin";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        Claim? claim = null;
        if (await SiteTokens.FindSiteAsync(dataSource, token, Context.RequestAborted) is { } site)
        {
            claim = new Claim(SiteClaim, site);
        }
        else if (await SiteTokens.FindAdminAsync(dataSource, token, Context.RequestAborted) is { } admin)
        {
            claim = new Claim(AdminClaim, admin);
        }

        if (claim is null)
        {
            return AuthenticateResult.Fail("unknown or revoked token");
        }

        var identity = new ClaimsIdentity([claim], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.Write(Context, StatusCodes.Status403Forbidden, ProblemCodes.Forbidden,
            "This credential cannot do this", "Site tokens act only for their own site; admin operations need an operator token.");

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized,
            "Missing, unknown or revoked site token",
            "Send 'Authorization: Bearer <site token>'. If the token was revoked, ask the operator for a new one.");
    }
}
