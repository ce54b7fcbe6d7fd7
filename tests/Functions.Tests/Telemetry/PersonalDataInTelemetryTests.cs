using System.Net;
using System.Net.Http.Headers;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Sites;
using PecLists.Functions.Tests.Infrastructure;
using LocalInfra;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry.Trace;

namespace PecLists.Functions.Tests.Telemetry;

/// <summary>
/// A load that PostgreSQL refuses because of a value (a name where a number goes, a CPF where a date goes) makes an
/// error whose text quotes the value: its message, its WHERE ("COPY …, line 2, column id: "…""), Npgsql's span for the
/// COPY (exception event, status) and anything logged with it. Everything the real Azure Monitor exporter sends (to the
/// App Insights stand-in), the snapshot's stored error and its status answer must carry none of it; the SQLSTATE, the
/// column and the CSV line stay (issue 23, item 6).
/// </summary>
[Collection(InfraCollection.Name)]
public sealed class PersonalDataInTelemetryTests(InfraFixture infra)
{
    // A name with quotes in it (PostgreSQL quotes a value without escaping it) and a CPF, both where PostgreSQL rejects them.
    private const string Nickname = "Pretinha";
    private const string Surname = "Quitéria";
    private const string Cpf = "529.982.247-25";
    private static readonly string NameWithQuotes = $"Zuleide \"{Nickname}\" {Surname}";

    [Fact]
    public async Task A_load_refused_for_a_value_sends_no_value_to_App_Insights_nor_into_the_snapshots_error()
    {
        await using var appInsights = FakeAppInsights.Start();
        await using var app = await InProcessApp.StartWithDispatcherAsync(infra,
            $"--APPLICATIONINSIGHTS_CONNECTION_STRING={appInsights.ConnectionString}",
            "--AzureFunctionsJobHost:extensions:queues:maxPollingInterval=00:00:00.200");
        var site = await infra.NewSiteAsync();
        var token = (await SiteTokens.IssueAsync(infra.Database, site, CancellationToken.None)).Token;

        var at = DateTimeOffset.UtcNow.AddMinutes(-10);
        var nameInId = await PutAsync(app, token, at, $"\"{NameWithQuotes.Replace("\"", "\"\"", StringComparison.Ordinal)}\",Ana,1950-01-02,t,70.5");
        var cpfInDate = await PutAsync(app, token, at.AddMinutes(1), $"7,Ana,{Cpf},t,70.5");

        var errors = new List<string>();
        foreach (var id in new[] { nameInId, cpfInDate })
        {
            var (code, detail) = await RejectedAsync(id);
            Assert.Equal(SnapshotErrorCodes.BadData, code);
            errors.Add(detail);
            using var status = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.SnapshotStatusPath(id));
            status.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await app.Http.SendAsync(status);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            errors.Add(await answer.Content.ReadAsStringAsync());
        }

        // What the operator needs stays: the column and the CSV line.
        Assert.Contains("line 2, column id", errors[0], StringComparison.Ordinal);
        Assert.Contains("line 2, column nascimento", errors[2], StringComparison.Ordinal);

        // A log written with such an exception (any code path, now or later) carries no value either.
        await using (var connection = await infra.Database.OpenConnectionAsync())
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("SELECT @v::bigint", new { v = NameWithQuotes }));
            var logger = app.App.Services.GetRequiredService<ILoggerFactory>().CreateLogger("PersonalDataTest");
#pragma warning disable CA1848, CA2254 // a log call as any code might write it
            logger.LogError(refused, "a query failed");
#pragma warning restore CA1848, CA2254
        }

        app.App.Services.GetRequiredService<TracerProvider>().ForceFlush();
        TelemetryCapture.Flush(app.App.Services);

        // The telemetry did go out: the failing COPY's span, with its SQLSTATE, and the exception log.
        // As sent (JSON escapes \u00e9 and quotes) and with the escapes undone.
        var sent = appInsights.AllText;
        sent += "\n" + System.Text.RegularExpressions.Regex.Replace(sent, @"\\u([0-9a-fA-F]{4})", m => ((char)Convert.ToInt32(m.Groups[1].Value, 16)).ToString());
        Assert.Contains("22P02", sent, StringComparison.Ordinal);
        Assert.Contains("a query failed", sent, StringComparison.Ordinal);
        foreach (var value in new[] { Nickname, Surname, "Zuleide", Cpf, "529.982" })
        {
            Assert.DoesNotContain(value, sent, StringComparison.Ordinal);
            Assert.All(errors, e => Assert.DoesNotContain(value, e, StringComparison.Ordinal));
        }
    }

    private static async Task<Guid> PutAsync(InProcessApp app, string token, DateTimeOffset at, string row)
    {
        var id = SnapshotIds.New(at);
        using var put = Uploads.Put("pacientes_teste", id, Csv.Gzip(Csv.Rows(row)), token, at);
        using var accepted = await app.Http.SendAsync(put);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return id;
    }

    private async Task<(string? Code, string Detail)> RejectedAsync(Guid id)
    {
        await using var connection = await infra.Database.OpenConnectionAsync();
        var row = await Eventually.UntilAsync(
            () => connection.QuerySingleAsync<(string Status, string? Code, string? Detail)>(
                "SELECT status, error_code, error_detail FROM ingest.snapshots WHERE snapshot_id = @id", new { id }),
            found => found.Status == SnapshotStatuses.Rejected, TimeSpan.FromSeconds(60), $"snapshot {id} to be rejected", TimeSpan.FromMilliseconds(200),
            found => $"status {found.Status}");
        return (row.Code, row.Detail ?? string.Empty);
    }
}
