using LocalInfra;
using LocalInfra.Usuarios;
using PecLists.Contracts;
using Xunit.Abstractions;

namespace EndToEnd.Tests.Examples;

/// <summary>
/// examples/usuarios-mirror end to end: a transactional <c>usuarios</c> table on its own PostgreSQL, changed by the
/// workload of tools/ (inserts, updates, soft and hard deletes, 5 % of the transactions committing 3 s late, 150,000
/// changes a day sped up 20 times) while the real <c>uploader watch</c> mirrors it every schedule minute (shortened to
/// a second) through the host stand-in and Azurite into the central PostgreSQL; then a day passes for the key set and
/// one more run removes the rows deleted outright.
/// </summary>
public sealed class UsuariosMirrorExampleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_inserts_updates_late_commits_and_soft_and_hard_deletes_the_central_table_equals_the_masked_source_value_by_value_and_the_lag_is_reported()
    {
        await using var pipeline = await LocalPipeline.StartAsync(new LocalPipelineOptions { Lists = [] });
        var mirror = await UsuariosMirror.SetUpAsync(pipeline, "3550308", seedRows: 2_000, minuteSeconds: 1);
        var workload = new UsuariosWorkload(mirror.AdminConnection, new UsuariosWorkloadOptions
        {
            Speedup = 20,
            LateCommitShare = 0.05,

            // A late transaction stays open longer than a delivery takes from extraction to loaded (p95 about 19 s in CI),
            // so deliveries whose cursor has passed its updated_at are loaded before it commits: the trap the lookback
            // (300 s in the example) must catch is then set every time, not only when a load happens to be quick.
            LateCommitDelay = TimeSpan.FromSeconds(30),
        });

        await using (var watch = LocalPipeline.StartWatch(mirror.Site))
        {
            await Eventually.UntilAsync(
                () => mirror.CentralCountAsync(), rows => rows == 2_000, TimeSpan.FromSeconds(90), "the mirror's first 2,000 rows central",
                TimeSpan.FromMilliseconds(250), rows => $"{rows} central row(s)", () => watch.Output);
            await workload.RunAsync(TimeSpan.FromSeconds(12));
            await Eventually.UntilAsync(
                () => MirrorLag.MeasureAsync(pipeline.CentralConnection, mirror.Site.Ibge, UsuariosMirror.List, workload.Changes),
                lag => lag.NotYetVisible == 0, TimeSpan.FromSeconds(60), "every workload change visible centrally",
                TimeSpan.FromMilliseconds(250), lag => $"{lag.NotYetVisible} of {lag.Changes} change(s) not yet visible", () => watch.Output);
            Assert.DoesNotContain(watch.OutputLines, l => l.Contains("could not", StringComparison.Ordinal));
        }

        var changes = workload.Changes;
        Assert.All(Enum.GetValues<UsuariosChangeKind>(), kind => Assert.Contains(changes, c => c.Kind == kind));
        var lag = await MirrorLag.MeasureAsync(pipeline.CentralConnection, mirror.Site.Ibge, UsuariosMirror.List, changes);
        output.WriteLine($"{changes.Count} changes in 12 s; {lag}");
        Assert.True(lag.LateCommitsBehindTheCursor > 0, "no late commit was behind an acknowledged cursor: the lookback was not exercised");

        // Everything but the hard deletes is mirrored already; those wait for the day's key set.
        var beforeKeySet = await mirror.DifferencesAsync();
        var hardDeleted = changes.Where(c => c.Kind == UsuariosChangeKind.HardDelete).Select(c => $"id {c.Id}: centrally but not (or no longer) at the source").ToHashSet();
        Assert.All(beforeKeySet, d => Assert.Contains(d, hardDeleted));
        Assert.NotEmpty(beforeKeySet); // rows deleted outright after the first key set: only the next one removes them

        await mirror.LetTheKeySetPeriodPassAsync();
        var run = await pipeline.RunUploaderAsync(mirror.Site);
        Assert.True(run.ExitCode == 0, run.Combined);
        // Loaded, or skipped as older than one already loaded (a tick's delivery overtaken in the queue by the next one,
        // which was read from the same acknowledged cursor and so carried its rows too): none rejected, failed or held.
        Assert.All(await pipeline.WaitForLoadsAsync(TimeSpan.FromMinutes(1)), l => Assert.Contains(l.Status, new[] { SnapshotStatuses.Loaded, SnapshotStatuses.Skipped }));
        Assert.Equal(beforeKeySet.Count, await mirror.RowsDeletedByTheLastKeySetAsync());

        Assert.Empty(await mirror.DifferencesAsync());
    }
}
