using PecLists.Functions.Hosting;
using PecLists.Functions.Ingest;
using PecLists.Functions.Storage;

namespace PecLists.Functions.Tests.Ingest;

/// <summary>The block upload's settings are checked at start, each broken rule named by its setting (docs/adr/0021).</summary>
public sealed class UploadSessionSettingsTests
{
    [Fact]
    public void The_defaults_are_valid()
    {
        Assert.True(new SettingsValidator<IngestOptions>().Validate(null, new IngestOptions()).Succeeded);
    }

    [Fact]
    public void A_largest_snapshot_that_needs_more_than_50000_blocks_is_refused_at_start()
    {
        var options = new IngestOptions { MaxSessionCompressedBytes = 10L * 1024 * 1024 * 1024, UploadBlockBytes = 64 * 1024 };

        var result = new SettingsValidator<IngestOptions>().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Ingest:MaxSessionCompressedBytes / Ingest:UploadBlockBytes must be at most 50000", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not a uri")]
    [InlineData("ftp://storage.example")]
    public void A_site_blob_endpoint_that_is_not_an_http_uri_is_refused_at_start(string endpoint)
    {
        var result = new SettingsValidator<IngestOptions>().Validate(null, new IngestOptions { SiteBlobEndpoint = endpoint });

        Assert.Contains("Ingest:SiteBlobEndpoint must be empty or an absolute http(s) URI.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_session_lifetime_of_zero_minutes_is_refused_at_start()
    {
        var result = new SettingsValidator<IngestOptions>().Validate(null, new IngestOptions { UploadSessionMinutes = 0 });

        Assert.Contains("Ingest:UploadSessionMinutes must be between 1 and 10080.", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_site_blob_endpoint_replaces_scheme_host_and_port_and_keeps_the_path_and_the_SAS()
    {
        var sas = new Uri("https://account.blob.core.windows.net/snapshots/uploads/4106902/hipertensos/x.csv.gz?sv=1&sp=w&sig=s");

        Assert.Equal(sas, UploadStaging.ForSites(sas, string.Empty));
        Assert.Equal(
            "http://127.0.0.1:9000/snapshots/uploads/4106902/hipertensos/x.csv.gz?sv=1&sp=w&sig=s",
            UploadStaging.ForSites(sas, "http://127.0.0.1:9000").AbsoluteUri);
    }
}
