using System.Net;
using System.Net.Http.Json;
using Ingest.Contracts;
using Ingest.Uploader.Config;
using Ingest.Uploader.Spooling;

namespace Ingest.Uploader.Commands;

/// <summary><c>status</c>: the last runs from the local log, and what the backend says of each snapshot sent.</summary>
public sealed class StatusCommand(UploaderConfig config, TextWriter output, HttpMessageHandler? handler = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        output.WriteLine("last runs:");
        var logFile = RunLog.FileIn(config.LogDirectory);
        var runs = File.Exists(logFile)
            ? File.ReadLines(logFile).Where(l => l.Contains("run finished", StringComparison.Ordinal)).TakeLast(10).ToList()
            : [];
        foreach (var line in runs.Count == 0 ? ["  (no run recorded yet)"] : runs.Select(r => "  " + r))
        {
            output.WriteLine(line);
        }

        output.WriteLine("snapshots sent (newest first):");
        var sent = SentLog.Read(config.SpoolDirectory).Take(10).ToList();
        if (sent.Count == 0)
        {
            output.WriteLine("  (none yet)");
        }

        using var http = new HttpClient(handler ?? new SocketsHttpHandler(), disposeHandler: true) { BaseAddress = new Uri(config.Endpoint.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(20) };
        foreach (var snapshot in sent)
        {
            var token = config.Sites.FirstOrDefault(s => s.Ibge == snapshot.Site)?.Token;
            output.WriteLine($"  {snapshot.SentAt.ToLocalTime():yyyy-MM-dd HH:mm} {snapshot.Site} {snapshot.List,-14} {snapshot.SnapshotId}  {await DescribeAsync(http, token, snapshot.SnapshotId, ct)}");
        }

        return ExitCodes.Ok;
    }

    private static async Task<string> DescribeAsync(HttpClient http, string? token, Guid id, CancellationToken ct)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, ApiRoutes.SnapshotStatusPath(id).TrimStart('/'));
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"backend answered {(int)response.StatusCode}";
            }

            var status = await response.Content.ReadFromJsonAsync(ContractsJsonContext.Default.SnapshotStatusDto, ct);
            return status switch
            {
                null => "no status",
                { Rows: { } rows } => $"{status.Status}: {rows.Inserted} new, {rows.Updated} changed, {rows.Deleted} removed, {rows.Unchanged} unchanged",
                { Reason: { } reason } => $"{status.Status}: {reason}",
                _ => status.Status,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return "backend unreachable";
        }
    }
}
