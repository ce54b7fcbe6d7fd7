using Microsoft.AspNetCore.Authentication;

namespace PecLists.Functions.Sites;

/// <summary>Site tokens as the app's one authentication scheme, and the two policies the APIs require.</summary>
public static class SiteAuthorization
{
    /// <summary>A live site token; named after the claim it requires.</summary>
    public const string SitePolicy = SiteTokenAuthentication.SiteClaim;

    /// <summary>A live operator token; named after the claim it requires.</summary>
    public const string AdminPolicy = SiteTokenAuthentication.AdminClaim;

    public static IServiceCollection AddSiteTokenAuthentication(this IServiceCollection services)
    {
        services.AddSingleton<TokenLookupCache>();
        services.AddSingleton<TokenLookupLimiter>();
        services.AddSingleton<LiveTokenHashes>();
        services.AddAuthentication(SiteTokenAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SiteTokenAuthentication>(SiteTokenAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(SitePolicy, policy => policy.AddAuthenticationSchemes(SiteTokenAuthentication.SchemeName).RequireClaim(SiteTokenAuthentication.SiteClaim))
            .AddPolicy(AdminPolicy, policy => policy.AddAuthenticationSchemes(SiteTokenAuthentication.SchemeName).RequireClaim(SiteTokenAuthentication.AdminClaim));
        return services;
    }
}
