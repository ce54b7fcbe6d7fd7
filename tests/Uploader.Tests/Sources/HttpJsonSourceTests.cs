using System.Globalization;
using System.IO.Compression;
using LocalInfra.FakeApis;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Sources;
using PecLists.Uploader.Spooling;

namespace PecLists.Uploader.Tests.Sources;

/// <summary>
/// The HTTP source against a local API shaped like the real ones (Rio's BRT feed, the Disney characters API) with
/// their quirks: what reaches the CSV, which requests were made, and how each failure is named.
/// </summary>
public sealed class HttpJsonSourceTests
{
    private static readonly HttpSourceConfig Quick = new() { MaxAttempts = 3, FirstRetryDelaySeconds = 0.05, MaxRetryDelaySeconds = 0.2, MaxRetryAfterSeconds = 5 };

    [Fact]
    public async Task The_brt_feed_becomes_the_lists_csv_with_epoch_ms_as_timestamps_null_as_null_and_empty_as_quoted()
    {
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed { Vehicles = 20 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (result, csv) = await ExtractAsync(source, FakeApiLists.Brt(api.Url(BrtGpsFeed.Path)));

        var lines = csv.Split('\n');
        Assert.Equal("codigo,placa,linha,latitude,longitude,data_hora,velocidade,sentido,trajeto", lines[0]);
        Assert.Equal("B30000,LRX1000,10,-22.9,-43.2,2024-12-07T14:00:00+00:00,20,ida,\"Alvorada, Jardim Oceânico\"", lines[1]);
        Assert.Equal("B30004,LRX1004,10,-22.904,-43.204,2024-12-07T14:00:04+00:00,,ida,\"Alvorada, Jardim Oceânico\"", lines[5]); // velocidade null
        Assert.Equal("B30006,\"\",10,-22.906,-43.206,2024-12-07T14:00:06+00:00,26,ida,\"Alvorada, Jardim Oceânico\"", lines[7]); // placa ""
        Assert.Equal(22, lines.Length); // header, 20 rows, and the empty string after the last "\n"
        Assert.Equal((20L, (long)csv.Length), (result.Rows, result.CsvChars));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public async Task Every_page_is_read_once_in_order_following_the_next_link_before_or_after_the_rows_absolute_or_relative(bool infoAfterData, bool relativeLinks)
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, InfoAfterData = infoAfterData, RelativeLinks = relativeLinks }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (result, csv) = await ExtractAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        AssertCharacters(csv, 150);
        Assert.Equal(150, result.Rows);
        Assert.Equal(["/character", "/character?page=2", "/character?page=3"], api.Requests.Select(r => r.PathAndQuery));
        Assert.All(api.Requests, r => Assert.Equal("pt-BR", r.Headers["Accept-Language"]));
    }

    [Fact]
    public async Task Page_numbers_count_from_the_start_page_with_the_page_size_until_a_page_holds_no_rows()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 40 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (result, csv) = await ExtractAsync(source, FakeApiLists.DisneyPageNumber(api.Url(DisneyCharactersApi.Path), pageSize: 40));

        AssertCharacters(csv, 120);
        Assert.Equal(120, result.Rows);
        Assert.Equal(
            ["/character?page=1&pageSize=40", "/character?page=2&pageSize=40", "/character?page=3&pageSize=40", "/character?page=4&pageSize=40"],
            api.Requests.Select(r => r.PathAndQuery));
    }

    [Fact]
    public async Task A_page_that_stalls_past_the_timeout_halfway_is_read_again_whole_and_its_rows_are_written_once()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.StallsOnce() } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (result, csv) = await ExtractAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path), timeoutSeconds: 1));

        AssertCharacters(csv, 150); // ids 51..75 of the stalled attempt are not there twice
        Assert.Equal(150, result.Rows);
        Assert.Equal(2, api.Requests.Count(r => r.PathAndQuery == "/character?page=2"));
    }

    [Fact]
    public async Task A_500_is_tried_again_and_the_next_answer_is_used()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.ServerErrorOnce() } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (result, csv) = await ExtractAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        AssertCharacters(csv, 150);
        Assert.Equal(2, api.Requests.Count(r => r.PathAndQuery == "/character?page=2"));
    }

    [Fact]
    public async Task A_429_is_tried_again_no_sooner_than_its_retry_after()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 2) } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var (_, csv) = await ExtractAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        AssertCharacters(csv, 150);
        var attempts = api.Requests.Where(r => r.PathAndQuery == "/character?page=2").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.True(attempts[1].ArrivedAt - attempts[0].ArrivedAt >= TimeSpan.FromSeconds(2), $"retried after {(attempts[1].ArrivedAt - attempts[0].ArrivedAt).TotalSeconds:F3} s");
    }

    [Fact]
    public async Task A_retry_after_longer_than_the_configured_cap_fails_the_list_at_once()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [1] = PageQuirk.TooManyRequestsOnce(retryAfterSeconds: 600) } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("wait 600 s", failed.Message, StringComparison.Ordinal);
        Assert.Contains("http.maxRetryAfterSeconds", failed.Message, StringComparison.Ordinal);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task A_500_on_every_attempt_fails_the_list_as_source_api_after_the_configured_attempts()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.ServerErrorAlways() } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.Equal((FailureCategories.SourceApi, ExitCodes.SourceApi), (failed.Category, failed.ExitCode));
        Assert.Equal($"page 2 ({api.Url(DisneyCharactersApi.Path)}): the API answered HTTP 500 3 time(s) in a row; nothing of this list was sent, the next run tries again", failed.Message);
        Assert.Equal(3, api.Requests.Count(r => r.PathAndQuery == "/character?page=2"));
        Assert.Equal(failed.Failure, source.Classify(failed));
    }

    [Fact]
    public async Task A_field_missing_on_page_3_is_named_by_column_field_page_and_row_without_the_rows_values()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [3] = PageQuirk.FieldMissing("name", fromRow: 4) } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.Equal((FailureCategories.SourceShape, ExitCodes.SourceApi), (failed.Category, failed.ExitCode));
        Assert.Equal($"page 3 ({api.Url(DisneyCharactersApi.Path)}), row 5: column nome reads field 'name', but the row has no 'name'", failed.Message);
        Assert.Single(api.Requests, r => r.PathAndQuery == "/character?page=3"); // a changed shape is not tried again
    }

    [Fact]
    public async Task A_value_that_does_not_convert_is_named_without_quoting_it()
    {
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed { Vehicles = 10, TextDataHoraAt = 3 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.Brt(api.Url(BrtGpsFeed.Path)));

        Assert.Equal(FailureCategories.SourceShape, failed.Category);
        Assert.Equal($"page 1 ({api.Url(BrtGpsFeed.Path)}), row 4: column data_hora (field 'dataHora', timestamptz) got a string where the column needs a number (epoch-ms)", failed.Message);
        Assert.DoesNotContain("agora", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_html_page_instead_of_json_fails_as_source_api_naming_what_came()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [2] = PageQuirk.Html() } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("page 2", failed.Message, StringComparison.Ordinal);
        Assert.Contains("answered text/html instead of JSON", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_next_link_back_to_an_earlier_page_is_a_loop_and_fails_the_list()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 5, PageSize = 10, Quirks = new Dictionary<int, PageQuirk> { [3] = PageQuirk.LinksBackTo(2) } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("page 3", failed.Message, StringComparison.Ordinal);
        Assert.Contains("points back to page 2", failed.Message, StringComparison.Ordinal);
        Assert.Equal(3, api.Requests.Count);
    }

    [Fact]
    public async Task More_pages_than_max_pages_fail_the_list()
    {
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 5, PageSize = 10 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>());

        var failed = await FailAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path), maxPages: 2));

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("more than 2 pages (paginator.maxPages)", failed.Message, StringComparison.Ordinal);
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task The_secret_header_carries_the_configs_secret_and_a_refused_key_is_named_by_the_secrets_name_only()
    {
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed { Vehicles = 3, RequiredKey = "chave-certa-123" }.MapOn(api);
        var list = FakeApiLists.Brt(api.Url(BrtGpsFeed.Path), new Dictionary<string, string> { ["X-Api-Key"] = "brt-key" });

        using var wrong = new HttpJsonSource(Quick, new Dictionary<string, string> { ["brt-key"] = "chave-errada-456" });
        var failed = await FailAsync(wrong, list);
        using var right = new HttpJsonSource(Quick, new Dictionary<string, string> { ["brt-key"] = "chave-certa-123" });
        var (result, _) = await ExtractAsync(right, list);

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("the API refused the key (HTTP 401): check the secret(s) brt-key in the uploader config's 'secrets'", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("chave", failed.ToString(), StringComparison.Ordinal);
        Assert.Equal(3, result.Rows);
        Assert.Equal("chave-certa-123", api.Requests[^1].Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task A_secret_missing_from_the_config_is_a_config_failure_naming_it_before_any_request()
    {
        await using var api = FakeJsonApi.Start();
        new BrtGpsFeed { Vehicles = 3 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string> { ["other"] = "x" });

        var failed = await FailAsync(source, FakeApiLists.Brt(api.Url(BrtGpsFeed.Path), new Dictionary<string, string> { ["X-Api-Key"] = "brt-key" }));

        Assert.Equal((FailureCategories.Config, ExitCodes.Config), (failed.Category, failed.ExitCode));
        Assert.Contains("the secret 'brt-key', which is not in the uploader config's 'secrets'", failed.Message, StringComparison.Ordinal);
        Assert.Empty(api.Requests);
    }

    [Fact]
    public async Task A_secret_is_never_sent_over_clear_http_to_another_machine()
    {
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string> { ["brt-key"] = "k" });

        var failed = await FailAsync(source, FakeApiLists.Brt(new Uri("http://dados.mobilidade.rio/gps/brt"), new Dictionary<string, string> { ["X-Api-Key"] = "brt-key" }));

        Assert.Equal(FailureCategories.SourceApi, failed.Category);
        Assert.Contains("over http://, in clear", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_larger_than_the_page_buffers_memory_go_through_a_file_and_arrive_whole()
    {
        using var spoolRoot = new TempDirectory();
        await using var api = FakeJsonApi.Start();

        // 20,000 rows are about 3 MB of CSV a page, beyond the page buffer's 1 MB of memory.
        new DisneyCharactersApi { Pages = 3, PageSize = 20_000 }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>(), spoolRoot.Path);

        var (result, csv) = await ExtractAsync(source, FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path)));

        Assert.True(result.CsvChars / 3 > PageBufferStream.MemoryLimit, $"{result.CsvChars} CSV characters in 3 pages");
        AssertCharacters(csv, 60_000);
        Assert.Empty(Directory.GetFiles(spoolRoot.Path, "*", SearchOption.AllDirectories)); // the page files are gone
    }

    [Fact]
    public async Task A_failure_on_a_later_page_leaves_nothing_in_the_spool()
    {
        using var spoolRoot = new TempDirectory();
        await using var api = FakeJsonApi.Start();
        new DisneyCharactersApi { Pages = 3, PageSize = 50, Quirks = new Dictionary<int, PageQuirk> { [3] = PageQuirk.FieldMissing("imageUrl", fromRow: 49) } }.MapOn(api);
        using var source = new HttpJsonSource(Quick, new Dictionary<string, string>(), spoolRoot.Path);
        var list = FakeApiLists.DisneyNextLink(api.Url(DisneyCharactersApi.Path));
        var spool = new Spool(spoolRoot.Path);

        var failed = await Assert.ThrowsAsync<HttpSourceException>(() => spool.WriteAsync("2304400", list.Name, Guid.NewGuid(), file =>
            SnapshotExtraction.ExtractAsync(source, list, null, file, CompressionLevel.Fastest, null, CancellationToken.None)));

        Assert.Equal(FailureCategories.SourceShape, failed.Category);
        Assert.Contains("page 3", failed.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(spoolRoot.Path, "*", SearchOption.AllDirectories));
    }

    /// <summary>Characters 1..<paramref name="count"/> in order, each once, with the values the fake generated.</summary>
    private static void AssertCharacters(string csv, int count)
    {
        var rows = Csv.Parse(csv);
        Assert.Equal(["id", "nome", "primeiro_filme", "segundo_filme", "imagem"], rows[0]);
        Assert.Equal(Enumerable.Range(1, count).Select(i => i.ToString(CultureInfo.InvariantCulture)), rows.Skip(1).Select(r => r[0]));
        foreach (var row in rows.Skip(1))
        {
            var id = int.Parse(row[0], CultureInfo.InvariantCulture);
            var films = DisneyCharactersApi.FilmsOf(id);
            Assert.Equal(DisneyCharactersApi.NameOf(id), row[1]);
            Assert.Equal(films.Count > 0 ? films[0] : string.Empty, row[2]);
            Assert.Equal(films.Count > 1 ? films[1] : string.Empty, row[3]);
        }

        Assert.Contains("\n3,\"Character 3, \"\"the 3th\"\"\",,,", csv, StringComparison.Ordinal); // no films: NULL, not ""
    }

    private static async Task<(ExtractResult Result, string Csv)> ExtractAsync(HttpJsonSource source, ListDefinitionDto list)
    {
        using var file = new MemoryStream();
        var result = await SnapshotExtraction.ExtractAsync(source, list, null, file, CompressionLevel.Fastest, null, CancellationToken.None);
        var csv = Gzip.Decompress(file.ToArray());
        Assert.Equal(result.CompressedBytes, file.Length);
        return (result, csv);
    }

    private static Task<HttpSourceException> FailAsync(HttpJsonSource source, ListDefinitionDto list) =>
        Assert.ThrowsAsync<HttpSourceException>(() => ExtractAsync(source, list));
}
