using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Telemetry;
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
    NpgsqlDataSource dataSource,
    TokenLookupCache cache,
    TokenLookupLimiter limiter,
    LiveTokenHashes liveTokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "SiteToken";
    public const string SiteClaim = "site";
    public const string AdminClaim = "admin";
    private static readonly object LookupLimitedKey = new();

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var token = header["Bearer ".Length..].Trim();
        var kind = SiteTokens.KindOf(token);
        if (kind == TokenKind.None)
        {
            return AuthenticateResult.Fail("not a token of ours");
        }

        // Known to this instance: a live site token, or a token found dead a moment ago (operator tokens are only ever
        // remembered as dead, so a revoked one is refused at once). No database, no budget.
        var hash = SiteTokens.Hash(token);
        if (cache.TryGet(hash, out var known) && (known is null || kind == TokenKind.Site))
        {
            return known is null ? AuthenticateResult.Fail("unknown or revoked token") : Success(new Claim(SiteClaim, known));
        }

        // Anything else costs a lookup. A hash known to be a live token's skips the failure budgets: only the caller's
        // own failures may cost it, and a real token gets in during a flood of made-up ones. Any other hash needs this
        // client's budget and the instance's for its kind; refused for budget, the live hashes are read again (at most
        // once per interval), as it may be a token issued since they were last read.
        var client = ClientAddress.Of(Context);
        var live = liveTokens.Contains(hash);
        var (permit, retryAfter) = live ? await limiter.EnterAsync(Context.RequestAborted) : await limiter.TryEnterAsync(client, kind, Context.RequestAborted);
        if (permit is null && !live)
        {
            var nextRead = await liveTokens.RefreshAsync(Context.RequestAborted);
            if (liveTokens.Contains(hash))
            {
                (permit, retryAfter) = await limiter.EnterAsync(Context.RequestAborted);
            }
            else
            {
                retryAfter = retryAfter < nextRead ? retryAfter : nextRead;
            }
        }

        if (permit is null)
        {
            Context.Items[LookupLimitedKey] = retryAfter;
            return AuthenticateResult.Fail("too many failed token lookups");
        }

        string? owner;
        using (permit)
        {
            if (kind == TokenKind.Site)
            {
                var found = await SiteTokens.FindSiteTokenAsync(dataSource, token, Context.RequestAborted);
                owner = found is { Revoked: false } ? found.Value.Site : null;
                if (found is { Revoked: true } revoked)
                {
                    await SiteTokens.RecordRevokedRefusalAsync(dataSource, revoked.Site, Context.RequestAborted);
                    Logger.TokenRefused(revoked.Site, FailureCategories.Token);
                }
            }
            else
            {
                owner = await SiteTokens.FindAdminAsync(dataSource, token, Context.RequestAborted);
            }
        }

        if (owner is null || kind == TokenKind.Site)
        {
            cache.Remember(hash, owner);
        }

        Claim? claim = owner is null ? null : new Claim(kind == TokenKind.Site ? SiteClaim : AdminClaim, owner);
        if (claim is null)
        {
            limiter.RecordFailure(client, kind);
            return AuthenticateResult.Fail("unknown or revoked token");
        }

        return Success(claim);
    }

    private static AuthenticateResult Success(Claim claim) =>
        AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([claim], SchemeName)), SchemeName));

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        await Problems.Write(Context, StatusCodes.Status403Forbidden, ProblemCodes.Forbidden,
            "This credential cannot do this", "Site tokens act only for their own site; admin operations need an operator token.");

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (Context.Items[LookupLimitedKey] is TimeSpan wait)
        {
            Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Problems.Write(Context, StatusCodes.Status429TooManyRequests, ProblemCodes.RateLimited, "Too many requests",
                "Too many unknown or revoked tokens came from this address or reached this server; retry after the number of seconds in Retry-After.");
            return;
        }

        Response.Headers.WWWAuthenticate = "Bearer";
        await Problems.Write(Context, StatusCodes.Status401Unauthorized, ProblemCodes.Unauthorized,
            "Missing, unknown or revoked site token",
            "Send 'Authorization: Bearer <site token>'. If the token was revoked, ask the operator for a new one.");
    }
}
