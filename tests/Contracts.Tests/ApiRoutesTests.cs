using System.Text.RegularExpressions;
using PecLists.Contracts;

namespace PecLists.Contracts.Tests;

public sealed partial class ApiRoutesTests
{
    private static bool Fits(string template, string path) =>
        Regex.IsMatch(path, "^" + Parameter().Replace(template.Replace(".", "\\.", StringComparison.Ordinal), "[^/]+") + "$");

    [Fact]
    public void Path_builders_fill_their_templates()
    {
        var id = SnapshotIds.New(DateTimeOffset.UnixEpoch.AddYears(56));

        Assert.True(Fits(ApiRoutes.Snapshot, ApiRoutes.SnapshotPath("hipertensos", id)));
        Assert.True(Fits(ApiRoutes.SnapshotStatus, ApiRoutes.SnapshotStatusPath(id)));
        Assert.True(Fits(ApiRoutes.AdminToken, ApiRoutes.AdminTokenPath(id)));
        Assert.True(Fits(ApiRoutes.AdminOperatorToken, ApiRoutes.AdminOperatorTokenPath(id)));
        Assert.True(Fits(ApiRoutes.AdminSites + "/{ibge}", ApiRoutes.AdminSitePath("2611606")));
        Assert.Equal("/api/v1/lists/a%20b/snapshots/" + id.ToString("D"), ApiRoutes.SnapshotPath("a b", id));
    }

    [Fact]
    public void Every_route_lives_under_the_versioned_prefix_the_host_exposes()
    {
        var routes = typeof(ApiRoutes).GetFields().Where(f => f.IsLiteral && f.Name != nameof(ApiRoutes.Prefix)).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.True(routes.Count >= 14);
        Assert.All(routes, r => Assert.StartsWith("/api/v1/", r, StringComparison.Ordinal));
        Assert.Equal(routes.Count, routes.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Relative_routes_resolve_under_an_endpoint_with_a_path()
    {
        var endpoint = new Uri("https://app.example/tenant/");

        Assert.Equal("https://app.example/tenant/api/v1/health", new Uri(endpoint, ApiRoutes.Relative(ApiRoutes.Health)).ToString());
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex Parameter();
}
