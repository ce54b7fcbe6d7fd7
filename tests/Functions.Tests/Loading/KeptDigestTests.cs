using System.Globalization;
using System.Text;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Storage;
using PecLists.Functions.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Tests.Loading;

/// <summary>
/// The held digest a load keeps up to date from its own writes (docs/adr/0024-unchanged-deliveries.md, "Keeping the
/// digest") against the full recompute from the rows (<see cref="RowsDigestSql.For"/>), on real PostgreSQL, through the
/// real loader: inserts, updates, deletes and loads that change nothing, on a keyed and a keyless list.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class KeptDigestTests(InfraFixture infra)
{
    private const string Container = "kept-digest-tests";
    private static readonly DateTimeOffset Day1 = new(2026, 11, 2, 3, 0, 0, TimeSpan.Zero);
    private readonly SnapshotStore _store = new(infra.Blobs, Options.Create(new SnapshotStorageOptions { Container = Container }));

    private static string Header(ListDefinition list) => string.Join(",", list.Columns.Select(c => c.Name));

    /// <summary>Keyed: every kind of value the canonical text treats apart, and a column left out of the comparison.</summary>
    private static ListDefinition KeyedList() => new(
        $"digest_k_{Guid.NewGuid().ToString("N")[..8]}", 1, "test", "SELECT 1",
        [
            new("id", "bigint"), new("nome", "text"), new("peso", "numeric"), new("medida", "double precision"),
            new("quando", "timestamptz"), new("ativo", "boolean"), new("dia", "date"), new("idade", "integer", Compare: false),
        ],
        ["id"]);

    /// <summary>Keyless: whole rows, duplicates and NULLs are data.</summary>
    private static ListDefinition KeylessList() => new(
        $"digest_n_{Guid.NewGuid().ToString("N")[..8]}", 1, "test", "SELECT 1",
        [new("nome", "text"), new("dia", "date"), new("valor", "numeric")],
        []);

    private SnapshotLoader Loader() => new(
        infra.Database, _store, new ListCatalog(infra.Database, TimeProvider.System),
        Options.Create(new LoadOptions { LockTimeoutSeconds = 5, HoldWhenDeletingShare = 1.0 }), NullLogger<SnapshotLoader>.Instance);

    private async Task<LoadResult> LoadAsync(string site, ListDefinition list, DateTimeOffset extractedAt, IEnumerable<string> rows)
    {
        var id = Guid.CreateVersion7(extractedAt);
        var blobName = SnapshotStore.BlobName(site, list.Name, extractedAt, id);
        var body = Csv.Gzip(Header(list) + "\n" + string.Concat(rows.Select(r => r + "\n")));
        await infra.Blobs.GetBlobContainerClient(Container).CreateIfNotExistsAsync();
        await _store.TryCreateAsync(blobName, new MemoryStream(body), new Dictionary<string, string> { ["digest"] = Csv.Digest(body) }, CancellationToken.None);
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO ingest.snapshots (snapshot_id, site_id, list_name, blob_name, digest, compressed_bytes, extracted_at, status)
                VALUES (@id, @site, @list, @blobName, @digest, @bytes, @extractedAt, 'queued')
                """,
                new { id, site, list = list.Name, blobName, digest = Csv.Digest(body), bytes = (long)body.Length, extractedAt });
        }

        var result = await Loader().LoadAsync(new LoadMessage(id, site, list.Name, blobName, extractedAt), CancellationToken.None);
        Assert.Equal(SnapshotStatuses.Loaded, result.Status);
        return result;
    }

    private async Task<(long Rows, string Digest)?> HeldAsync(string site, ListDefinition list)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        return await connection.QuerySingleOrDefaultAsync<(long, string)?>(
            "SELECT rows, rows_digest FROM ingest.held_digests WHERE site_id = @site AND list_name = @list", new { site, list = list.Name });
    }

    private async Task<(long Rows, string Digest)> RecomputedAsync(string site, ListDefinition list)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        var (rows, high, low) = await connection.QuerySingleAsync<(long, long, long)>(RowsDigestSql.For(list), new { site });
        return (rows, RowsDigestSql.Format(high, low));
    }

    private async Task ExecuteAsync(string sql, object parameters)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private static string KeyedRow(Random random, long id)
    {
        string Maybe(string value) => random.Next(8) == 0 ? string.Empty : value;
        var when = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(random.Next(0, 200_000_000)).AddTicks(random.Next(0, 10) * 10);
        return string.Join(",",
            id.ToString(CultureInfo.InvariantCulture),
            Maybe($"\"nome {random.Next(1000)}, é\""),
            Maybe((random.Next(-100000, 100000) / 100m).ToString("0.00", CultureInfo.InvariantCulture)),
            Maybe((random.NextDouble() * 1000 - 500).ToString("R", CultureInfo.InvariantCulture)),
            Maybe(when.ToString("yyyy-MM-dd HH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture)),
            Maybe(random.Next(2) == 0 ? "true" : "false"),
            Maybe(new DateOnly(1940, 1, 1).AddDays(random.Next(0, 30000)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            random.Next(0, 100).ToString(CultureInfo.InvariantCulture));
    }

    private static string KeylessRow(Random random)
    {
        // Few distinct values, so duplicates are common and a changed multiset often adds or removes one copy.
        string Maybe(string value) => random.Next(6) == 0 ? string.Empty : value;
        return string.Join(",",
            Maybe($"nome {random.Next(6)}"),
            Maybe(new DateOnly(2026, 1, 1).AddDays(random.Next(0, 4)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            Maybe(random.Next(0, 3).ToString("0.0", CultureInfo.InvariantCulture)));
    }

    /// <summary>Applies a day's changes to a keyed list's rows: some updated (or only their compare: false column), some deleted, some new.</summary>
    private static SortedDictionary<long, string> NextKeyedDay(Random random, SortedDictionary<long, string> rows, ref long nextId)
    {
        var next = new SortedDictionary<long, string>();
        foreach (var (id, row) in rows)
        {
            switch (random.Next(10))
            {
                case 0: // deleted
                    break;
                case 1: // changed
                    next[id] = KeyedRow(random, id);
                    break;
                case 2: // only the extraction-time column differs: not a change
                    next[id] = string.Concat(row.AsSpan(0, row.LastIndexOf(',')), ",", random.Next(100, 200).ToString(CultureInfo.InvariantCulture));
                    break;
                default:
                    next[id] = row;
                    break;
            }
        }

        for (var i = random.Next(0, 6); i > 0; i--)
        {
            next[nextId] = KeyedRow(random, nextId);
            nextId++;
        }

        return next;
    }

    [Fact]
    public async Task A_keyed_lists_kept_digest_equals_the_full_recompute_after_inserts_updates_deletes_and_loads_that_change_nothing()
    {
        var list = KeyedList();
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        var site = await infra.NewSiteAsync();
        var random = new Random(2401);
        long nextId = 1;
        var rows = new SortedDictionary<long, string>();
        for (; nextId <= 60; nextId++)
        {
            rows[nextId] = KeyedRow(random, nextId);
        }

        var day = Day1;
        await LoadAsync(site, list, day, rows.Values);
        Assert.Equal(await RecomputedAsync(site, list), await HeldAsync(site, list));

        var paths = new HashSet<string>();
        for (var round = 0; round < 12; round++)
        {
            day = day.AddDays(1);

            // Every fourth day the source did not change: the same rows, once in the same bytes, once reordered.
            var next = round % 4 == 3 ? rows : NextKeyedDay(random, rows, ref nextId);
            var body = round % 8 == 7 ? next.Values.Reverse() : next.Values;
            var result = await LoadAsync(site, list, day, body);
            paths.Add(result.Path ?? string.Empty);
            rows = next;

            var held = await HeldAsync(site, list);
            Assert.Equal(await RecomputedAsync(site, list), held);
            Assert.Equal(rows.Count, held!.Value.Rows);
        }

        Assert.Contains("merge", paths);
        Assert.Contains("identical", paths);
    }

    [Fact]
    public async Task A_keyless_lists_kept_digest_equals_the_full_recompute_with_duplicates_and_NULLs_added_and_removed()
    {
        var list = KeylessList();
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        var site = await infra.NewSiteAsync();
        var random = new Random(2402);
        var rows = Enumerable.Range(0, 50).Select(_ => KeylessRow(random)).ToList();

        var day = Day1;
        await LoadAsync(site, list, day, rows);
        Assert.Equal(await RecomputedAsync(site, list), await HeldAsync(site, list));

        for (var round = 0; round < 12; round++)
        {
            day = day.AddDays(1);
            if (round % 4 != 3)
            {
                // Some copies go, some come (often copies of rows already there), the order changes.
                rows = rows.Where(_ => random.Next(8) != 0).Concat(Enumerable.Range(0, random.Next(0, 8)).Select(_ => KeylessRow(random)))
                    .OrderBy(_ => random.Next()).ToList();
            }

            await LoadAsync(site, list, day, rows);
            var held = await HeldAsync(site, list);
            Assert.Equal(await RecomputedAsync(site, list), held);
            Assert.Equal(rows.Count, held!.Value.Rows);
        }
    }

    [Fact]
    public async Task A_load_carries_the_held_digest_forward_from_its_writes_rather_than_reading_the_rows_again()
    {
        var list = KeyedList();
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        var site = await infra.NewSiteAsync();
        var random = new Random(2403);
        var rows = new SortedDictionary<long, string>();
        long nextId = 1;
        for (; nextId <= 40; nextId++)
        {
            rows[nextId] = KeyedRow(random, nextId);
        }

        await LoadAsync(site, list, Day1, rows.Values);

        // A held digest off by a known amount, still valid by every cheap check (same rows, same table file): a load
        // that keeps it carries the offset forward; one that recomputed it would lose it.
        var (count, digest) = (await HeldAsync(site, list))!.Value;
        var offset = new DigestTerms(0, 1, 2);
        var skewed = DigestTerms.Parse(count, digest)!.Value.Plus(offset);
        await ExecuteAsync("UPDATE ingest.held_digests SET rows_digest = @digest WHERE site_id = @site AND list_name = @list", new { digest = skewed.Value, site, list = list.Name });

        rows = NextKeyedDay(random, rows, ref nextId);
        var result = await LoadAsync(site, list, Day1.AddDays(1), rows.Values);
        Assert.Equal("merge", result.Path);
        Assert.True(result.Rows!.Inserted + result.Rows.Updated + result.Rows.Deleted > 0);

        var (rowsNow, recomputed) = await RecomputedAsync(site, list);
        var expected = DigestTerms.Parse(rowsNow, recomputed)!.Value.Plus(offset);
        Assert.Equal((expected.Rows, expected.Value), await HeldAsync(site, list));
    }

    [Fact]
    public async Task Without_a_held_digest_or_with_one_of_another_version_the_load_recomputes_it_from_the_rows()
    {
        var list = KeyedList();
        await ListPublisher.PublishAsync(infra.Database, list, activate: true, CancellationToken.None);
        var site = await infra.NewSiteAsync();
        var random = new Random(2404);
        var rows = new SortedDictionary<long, string>();
        long nextId = 1;
        for (; nextId <= 40; nextId++)
        {
            rows[nextId] = KeyedRow(random, nextId);
        }

        await LoadAsync(site, list, Day1, rows.Values);

        // No digest held: the merge writes, and the digest recorded after it is the full recompute.
        await ExecuteAsync("DELETE FROM ingest.held_digests WHERE site_id = @site AND list_name = @list", new { site, list = list.Name });
        rows = NextKeyedDay(random, rows, ref nextId);
        Assert.Equal("merge", (await LoadAsync(site, list, Day1.AddDays(1), rows.Values)).Path);
        Assert.Equal(await RecomputedAsync(site, list), await HeldAsync(site, list));

        // A wrong digest recorded for another version is not carried forward: recomputed, the wrong value gone.
        await ExecuteAsync(
            "UPDATE ingest.held_digests SET list_version = 99, rows_digest = @digest WHERE site_id = @site AND list_name = @list",
            new { digest = RowsDigest.Format(7, 7), site, list = list.Name });
        rows = NextKeyedDay(random, rows, ref nextId);
        Assert.Equal("merge", (await LoadAsync(site, list, Day1.AddDays(2), rows.Values)).Path);
        Assert.Equal(await RecomputedAsync(site, list), await HeldAsync(site, list));

        // A wrong digest whose row count no longer matches the site (central changed behind the backend): recomputed.
        await ExecuteAsync(
            "UPDATE ingest.held_digests SET rows = rows + 1, rows_digest = @digest WHERE site_id = @site AND list_name = @list",
            new { digest = RowsDigest.Format(7, 7), site, list = list.Name });
        rows = NextKeyedDay(random, rows, ref nextId);
        await LoadAsync(site, list, Day1.AddDays(3), rows.Values);
        Assert.Equal(await RecomputedAsync(site, list), await HeldAsync(site, list));
    }
}
