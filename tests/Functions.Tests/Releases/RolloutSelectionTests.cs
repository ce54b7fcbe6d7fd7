using PecLists.Contracts;
using PecLists.Functions.Releases;
using PecLists.Functions.Tests.Infrastructure;

namespace PecLists.Functions.Tests.Releases;

/// <summary>
/// Which release each site is offered, read from the real central database the way the manifest endpoint reads it:
/// canary by name and by hashed share, promote, halt, pins and expiry.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class RolloutSelectionTests(InfraFixture infra) : IDisposable
{
    private const string Runtime = ReleaseRuntimes.LinuxX64;
    private readonly ReleaseTestKit _kit = new(infra);

    public void Dispose() => _kit.Dispose();

    private async Task<string?> OfferedAsync(string site, DateTimeOffset? at = null) =>
        (await _kit.Catalog.ForSiteAsync(site, Runtime, at ?? DateTimeOffset.UtcNow, CancellationToken.None)).Release?.Version;

    private async Task<(string Current, string Next)> TwoReleasesWithCurrentAsync()
    {
        await _kit.ResetRolloutAsync(Runtime);
        var versions = await _kit.NextVersionsAsync(Runtime, 2);
        await _kit.PublishAsync(versions[0]);
        await _kit.PublishAsync(versions[1]);
        await RequireAsync(_kit.Rollouts.StartAsync(Runtime, versions[0], [], 100, "test", CancellationToken.None));
        await RequireAsync(_kit.Rollouts.PromoteAsync(Runtime, "test", CancellationToken.None));
        return (versions[0], versions[1]);
    }

    private static async Task RequireAsync(Task<RolloutChange> change)
    {
        var result = await change;
        Assert.True(result.Done, result.Message);
    }

    [Fact]
    public async Task Named_canary_sites_get_the_new_release_and_every_other_site_the_current_one_until_promote()
    {
        var (current, next) = await TwoReleasesWithCurrentAsync();
        var (canary, other) = (await infra.NewSiteAsync(), await infra.NewSiteAsync());

        await RequireAsync(_kit.Rollouts.StartAsync(Runtime, next, [canary], 0, "test", CancellationToken.None));
        Assert.Equal((next, current), (await OfferedAsync(canary), await OfferedAsync(other)));

        await RequireAsync(_kit.Rollouts.PromoteAsync(Runtime, "test", CancellationToken.None));
        Assert.Equal((next, next), (await OfferedAsync(canary), await OfferedAsync(other)));
    }

    [Fact]
    public async Task A_canary_share_is_chosen_by_hashing_the_site_id_the_same_way_every_time()
    {
        var (current, next) = await TwoReleasesWithCurrentAsync();
        var sites = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            sites.Add(await infra.NewSiteAsync());
        }

        await RequireAsync(_kit.Rollouts.StartAsync(Runtime, next, [], 50, "test", CancellationToken.None));
        var first = new List<string?>();
        foreach (var site in sites)
        {
            first.Add(await OfferedAsync(site));
        }

        // Exactly the sites whose hash bucket is under 50 get the new release; asked again, the same answers.
        Assert.Equal(sites.Select(s => CanaryBucket.Of(s) < 50 ? next : current), first);
        foreach (var (site, offered) in sites.Zip(first))
        {
            Assert.Equal(offered, await OfferedAsync(site));
        }

        Assert.Contains(next, first);
        Assert.Contains(current, first);
    }

    [Fact]
    public void Canary_buckets_are_fixed_per_site_nested_as_the_share_grows_and_spread_over_clustered_codes()
    {
        // IBGE codes cluster (one state's codes share their first two digits): take 2,000 consecutive codes of one state.
        var sites = Enumerable.Range(3_550_000, 2_000).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(sites.Select(CanaryBucket.Of), sites.Select(CanaryBucket.Of));
        var tenPercent = sites.Where(s => CanaryBucket.IsIn(s, 10)).ToHashSet();
        var twentyPercent = sites.Where(s => CanaryBucket.IsIn(s, 20)).ToHashSet();
        Assert.Subset(twentyPercent, tenPercent);
        Assert.InRange(tenPercent.Count, 140, 260); // 10 % of 2,000 is 200; binomial σ ≈ 13
        Assert.DoesNotContain(sites, s => CanaryBucket.IsIn(s, 0));
        Assert.Equal(sites.Count, sites.Count(s => CanaryBucket.IsIn(s, 100)));
    }

    [Fact]
    public async Task A_pin_wins_over_canary_promote_and_halt_until_unpinned()
    {
        var (current, next) = await TwoReleasesWithCurrentAsync();
        var (pinned, other) = (await infra.NewSiteAsync(), await infra.NewSiteAsync());
        await RequireAsync(_kit.Rollouts.PinAsync(pinned, Runtime, current, "test", CancellationToken.None));

        await RequireAsync(_kit.Rollouts.StartAsync(Runtime, next, [pinned, other], 0, "test", CancellationToken.None));
        Assert.Equal((current, next), (await OfferedAsync(pinned), await OfferedAsync(other)));

        await RequireAsync(_kit.Rollouts.HaltAsync(Runtime, "test", CancellationToken.None));
        Assert.Equal((current, (string?)null), (await OfferedAsync(pinned), await OfferedAsync(other)));

        await RequireAsync(_kit.Rollouts.ResumeAsync(Runtime, "test", CancellationToken.None));
        await RequireAsync(_kit.Rollouts.PromoteAsync(Runtime, "test", CancellationToken.None));
        Assert.Equal(current, await OfferedAsync(pinned));

        await RequireAsync(_kit.Rollouts.UnpinAsync(pinned, Runtime, "test", CancellationToken.None));
        Assert.Equal(next, await OfferedAsync(pinned));
    }

    [Fact]
    public async Task A_halted_rollout_offers_nothing_so_sites_stay_where_they_are_and_resume_restores_it()
    {
        var (current, next) = await TwoReleasesWithCurrentAsync();
        var (canary, other) = (await infra.NewSiteAsync(), await infra.NewSiteAsync());
        await RequireAsync(_kit.Rollouts.StartAsync(Runtime, next, [canary], 0, "test", CancellationToken.None));

        await RequireAsync(_kit.Rollouts.HaltAsync(Runtime, "test", CancellationToken.None));
        var halted = await _kit.Catalog.ForSiteAsync(canary, Runtime, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal((null, ReleaseChoice.Halted), (halted.Release, halted.Choice.Why));
        Assert.Null(await OfferedAsync(other));

        await RequireAsync(_kit.Rollouts.ResumeAsync(Runtime, "test", CancellationToken.None));
        Assert.Equal((next, current), (await OfferedAsync(canary), await OfferedAsync(other)));
    }

    [Fact]
    public async Task A_manifest_past_its_expiry_is_not_served_and_cannot_be_rolled_out()
    {
        var (current, _) = await TwoReleasesWithCurrentAsync();
        var site = await infra.NewSiteAsync();
        var release = (await _kit.Catalog.FindAsync(Runtime, current, CancellationToken.None))!;

        Assert.Equal(current, await OfferedAsync(site, release.Manifest.ExpiresAt.AddSeconds(-1)));
        var past = await _kit.Catalog.ForSiteAsync(site, Runtime, release.Manifest.ExpiresAt, CancellationToken.None);
        Assert.Null(past.Release);
        Assert.True(past.Expired);

        var rollouts = new ReleaseRollouts(infra.Database, new FixedTime(release.Manifest.ExpiresAt.AddDays(1)));
        var refused = await rollouts.PinAsync(site, Runtime, current, "test", CancellationToken.None);
        Assert.False(refused.Done);
        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_canary_must_be_above_the_current_release_and_published()
    {
        var (current, _) = await TwoReleasesWithCurrentAsync();
        var site = await infra.NewSiteAsync();

        var same = await _kit.Rollouts.StartAsync(Runtime, current, [site], 0, "test", CancellationToken.None);
        Assert.False(same.Done);
        var unpublished = await _kit.Rollouts.StartAsync(Runtime, "9999.0.0", [site], 0, "test", CancellationToken.None);
        Assert.False(unpublished.Done);
        var unknownSite = await _kit.Rollouts.StartAsync(Runtime, current, ["0000001"], 0, "test", CancellationToken.None);
        Assert.False(unknownSite.Done);
        Assert.Equal(current, await OfferedAsync(site));
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
