using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Telemetry;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>
/// The telemetry the app really emits, captured by in-memory exporters placed where Azure Monitor's would be: one
/// snapshot's way through ingest and load, a rejected one, a heartbeat. Events carry the names and dimensions the
/// workbook reads, the host's invocation id, and nothing personal.
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class TelemetryCaptureTests(InfraFixture infra)
{
    // Values shaped like the personal data a list carries: none may appear in any telemetry.
    private const string Name = "Conceição Aparecida Gonçalves";
    private const string BirthDate = "1947-03-09";

    [Fact]
    public async Task An_unchanged_delivery_refused_because_nothing_is_held_is_an_UnchangedRefused_event_and_not_a_rejected_snapshot()
    {
        var capture = new TelemetryCapture();
        await using var app = await InProcessApp.StartWithDispatcherAsync(infra, capture.AddTo);
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;

        var extractedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var id = SnapshotIds.New(extractedAt);
        using (var request = SnapshotUploadRequest.CreateUnchanged(token, "pacientes_teste", id, extractedAt, new UnchangedDeliveryDto(1, 2, RowsDigest.Format(1, 2))))
        using (var refused = await app.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        }

        // A bad claim from the same site is still a rejected snapshot: only the request for the full delivery is not.
        var badAt = extractedAt.AddMinutes(1);
        using (var request = SnapshotUploadRequest.CreateUnchanged(token, "pacientes_teste", SnapshotIds.New(badAt), badAt, new UnchangedDeliveryDto(1, 2, "sha-256=:x:")))
        using (var malformed = await app.Http.SendAsync(request))
        {
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        }

        TelemetryCapture.Flush(app.App.Services);

        var refusal = Assert.Single(capture.Events(TelemetryNames.UnchangedRefused), e => e["site"] == site);
        Assert.Equal((id.ToString(), FullDeliveryReasons.NothingHeld), (refusal["snapshotId"], refusal["reason"]));
        var rejection = Assert.Single(capture.Events(TelemetryNames.SnapshotRejected), e => e["site"] == site);
        Assert.Equal(ProblemCodes.BadUnchangedDelivery, rejection["errorCode"]);
    }

    [Fact]
    public async Task A_snapshot_a_rejection_and_a_heartbeat_emit_their_events_and_metrics_without_personal_data()
    {
        var capture = new TelemetryCapture();
        await using var app = await InProcessApp.StartWithDispatcherAsync(infra, capture.AddTo, "--AzureFunctionsJobHost:extensions:queues:maxPollingInterval=00:00:00.200");
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;

        var extractedAt = DateTimeOffset.UtcNow.AddMinutes(-5);
        var id = SnapshotIds.New(extractedAt);
        var body = Csv.Gzip(Csv.Rows($"1,{Name},{BirthDate},t,61.5", "2,José da Silva,1960-12-01,f,"));
        using (var request = Uploads.Put("pacientes_teste", id, body, token, extractedAt))
        {
            request.Headers.UserAgent.ParseAdd("uploader/1.4.2 (windows)");
            using var accepted = await app.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        var badAt = extractedAt.AddMinutes(1);
        using (var bad = Uploads.Put("pacientes_teste", SnapshotIds.New(badAt), Csv.Gzip($"id,nome\n1,{Name}\n"), token, badAt))
        using (var rejected = await app.Http.SendAsync(bad))
        {
            Assert.Equal(HttpStatusCode.BadRequest, rejected.StatusCode);
        }

        using (var heartbeat = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Heartbeats)
        {
            Content = new StringContent(
                $$"""{"kind":"run","uploaderVersion":"1.4.2","os":"windows","sentAt":"{{DateTimeOffset.UtcNow.AddHours(-2):O}}","outcome":"failed","errorCode":"source-schema","spoolDepth":1}""",
                Encoding.UTF8, "application/json"),
        })
        {
            heartbeat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var stored = await app.Http.SendAsync(heartbeat);
            Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
        }

        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            await Eventually.UntilAsync(
                () => connection.ExecuteScalarAsync<string>("SELECT status FROM ingest.snapshots WHERE snapshot_id = @id", new { id }),
                status => status == SnapshotStatuses.Loaded, TimeSpan.FromSeconds(60), $"snapshot {id} to load", TimeSpan.FromMilliseconds(200),
                status => $"status {status ?? "(no row)"}");
        }

        TelemetryCapture.Flush(app.App.Services);

        var received = Assert.Single(capture.Events(TelemetryNames.SnapshotReceived), e => e["snapshotId"] == id.ToString());
        Assert.Equal((site, "pacientes_teste", "1", "1.4.2"), (received["site"], received["list"], received["listVersion"], received["uploaderVersion"]));

        var loaded = Assert.Single(capture.Events(TelemetryNames.SnapshotLoaded), e => e["snapshotId"] == id.ToString());
        Assert.Equal((site, "2", "0", "first-load", DeliveryKinds.Snapshot), (loaded["site"], loaded["rowsInserted"], loaded["rowsDeleted"], loaded["path"], loaded["delivery"]));
        Assert.True(double.Parse(loaded["queueWaitSeconds"]!, System.Globalization.CultureInfo.InvariantCulture) >= 0);

        // The load ran inside a host invocation: its events carry the invocation id the host writes on its requests row.
        var loadLog = Assert.Single(capture.Logs.ToList(), l => TelemetryCapture.Attribute(l, "microsoft.custom_event.name") == TelemetryNames.SnapshotLoaded
            && TelemetryCapture.Attribute(l, "snapshotId") == id.ToString());
        Assert.True(Guid.TryParse(Assert.Single(TelemetryCapture.ScopeValues(loadLog, TelemetryNames.InvocationId)), out _));

        var rejection = Assert.Single(capture.Events(TelemetryNames.SnapshotRejected), e => e["site"] == site);
        Assert.Equal(("ingest", FailureCategories.SnapshotRejected), (rejection["stage"], rejection["category"]));
        Assert.False(string.IsNullOrEmpty(rejection["errorCode"]));

        var beat = Assert.Single(capture.Events(TelemetryNames.HeartbeatReceived), e => e["site"] == site);
        Assert.Equal((FailureCategories.SourceSchema, "failed", "1.4.2"), (beat["category"], beat["outcome"], beat["uploaderVersion"]));
        Assert.Equal(("0", "none"), (beat["unreportedRuns"], beat["unreportedCategory"]));
        Assert.True(double.Parse(beat["clockSkewSeconds"]!, System.Globalization.CultureInfo.InvariantCulture) > 7000);

        Assert.Equal(2, capture.Sum(TelemetryNames.Rows, ("list", "pacientes_teste"), ("change", "inserted"), ("delivery", DeliveryKinds.Snapshot)));
        Assert.True(capture.Sum(TelemetryNames.IngestBytes, ("list", "pacientes_teste")) >= body.Length);
        Assert.True(capture.Sum(TelemetryNames.LoadDuration, ("list", "pacientes_teste"), ("phase", "total")) >= 1);
        Assert.True(capture.Sum(TelemetryNames.QueueWait, ("list", "pacientes_teste")) >= 1);

        // Every dimension of every business event is one the contract names.
        Assert.All(TelemetryNames.Events.SelectMany(capture.Events).SelectMany(e => e.Keys),
            key => Assert.True(TelemetryNames.Dimensions.Contains(key) || key is "microsoft.custom_event.name" or "{OriginalFormat}", $"undeclared dimension {key}"));

        var text = capture.AllText();
        Assert.NotEmpty(text);
        foreach (var personal in new[] { Name, "Conceição", "Gonçalves", BirthDate, "José da Silva" })
        {
            Assert.DoesNotContain(text, t => t.Contains(personal, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task With_a_connection_string_Azure_Monitors_exporter_sends_business_events_as_customEvents_and_without_one_nothing()
    {
        await using var appInsights = FakeAppInsights.Start();
        await using (var app = await InProcessApp.StartAsync(infra, $"--APPLICATIONINSIGHTS_CONNECTION_STRING={appInsights.ConnectionString}"))
        {
            var site = await infra.NewSiteAsync();
            await SendHeartbeatAsync(app, site);
            TelemetryCapture.Flush(app.App.Services);

            // The real exporter's envelope: an EventData named by the event, its dimensions as properties.
            var beat = Assert.Single(appInsights.Events(TelemetryNames.HeartbeatReceived), e => e.GetValueOrDefault("site") == site);
            Assert.Equal(("ok", "none", "windows"), (beat["outcome"], beat["category"], beat["os"]));
        }

        // Counting envelopes before and after is not the claim: the exporters of this process share one instrumentation
        // key and retry telemetry they could not send from the exporter's offline storage, so envelopes made earlier
        // (by the app above or by another test's) may still arrive here. The claim is that the app without a
        // connection string sends nothing: no envelope made while it ran, none naming its site.
        var quietStarted = DateTimeOffset.UtcNow;
        var quietSite = await infra.NewSiteAsync();
        await using (var quiet = await InProcessApp.StartAsync(infra))
        {
            await SendHeartbeatAsync(quiet, quietSite);
            TelemetryCapture.Flush(quiet.App.Services);
        }

        Assert.DoesNotContain(appInsights.Envelopes, e => DateTimeOffset.Parse(e["time"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) >= quietStarted);
        Assert.DoesNotContain(quietSite, appInsights.AllText, StringComparison.Ordinal);
    }

    private async Task SendHeartbeatAsync(InProcessApp app, string site)
    {
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;
        using var heartbeat = new HttpRequestMessage(HttpMethod.Post, ApiRoutes.Heartbeats)
        {
            Content = new StringContent(
                $$"""{"kind":"run","uploaderVersion":"1.4.2","os":"windows","sentAt":"{{DateTimeOffset.UtcNow:O}}","outcome":"ok","spoolDepth":0}""",
                Encoding.UTF8, "application/json"),
        };
        heartbeat.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var stored = await app.Http.SendAsync(heartbeat);
        Assert.Equal(HttpStatusCode.NoContent, stored.StatusCode);
    }
}
