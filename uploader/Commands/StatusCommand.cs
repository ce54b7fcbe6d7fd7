using System.Net;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Spooling;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Commands;

/// <summary><c>status</c>: the last runs from the local log, and what the backend says of each snapshot sent.</summary>
public sealed class StatusCommand(UploaderConfig config, TextWriter output, HttpMessageHandler? handler = null)
{
    /// <summary>How run's last line starts in either language: the log may hold runs made in both (cron runs without LANG).</summary>
    private static readonly string[] RunFinished = ["run finished", "execução concluída"];

    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        output.WriteLine(Localized.Text("last runs:", "últimas execuções:"));
        var logFile = RunLog.FileIn(config.LogDirectory);
        var runs = File.Exists(logFile)
            ? File.ReadLines(logFile).Where(l => RunFinished.Any(marker => l.Contains(marker, StringComparison.Ordinal))).TakeLast(10).ToList()
            : [];
        foreach (var line in runs.Count == 0 ? [Localized.Text("  (no run recorded yet)", "  (nenhuma execução registrada ainda)")] : runs.Select(r => "  " + r))
        {
            output.WriteLine(line);
        }

        output.WriteLine(Localized.Text("snapshots sent (newest first):", "envios feitos (mais recentes primeiro):"));
        var sent = SentLog.Read(config.SpoolDirectory).Take(10).ToList();
        if (sent.Count == 0)
        {
            output.WriteLine(Localized.Text("  (none yet)", "  (nenhum ainda)"));
        }

        using var backend = BackendClient.Once(config.Endpoint, config.Upload.Proxy, handler);
        foreach (var snapshot in sent)
        {
            var token = config.Sites.FirstOrDefault(s => s.Ibge == snapshot.Site)?.Token;
            var answer = await backend.GetSnapshotStatusAsync(token, snapshot.SnapshotId, ct);
            output.WriteLine($"  {snapshot.SentAt.ToLocalTime():yyyy-MM-dd HH:mm} {snapshot.Site} {snapshot.List,-14} {snapshot.SnapshotId}  {Describe(answer)}");
        }

        return ExitCodes.Ok;
    }

    private static string Describe(SnapshotStatusAnswer answer) => answer switch
    {
        { Status: null } => Localized.Text("backend unreachable", "servidor central inacessível"),
        { Status: not HttpStatusCode.OK } => Localized.Text($"backend answered {(int)answer.Status}", $"o servidor central respondeu {(int)answer.Status}"),
        { Snapshot: null } => Localized.Text("no status", "sem situação"),
        { Snapshot: { Status: SnapshotStatuses.Held, Reason: { } held } } => Localized.Text(
            $"held (not applied, waiting for the central operator): {held}",
            $"retido (não aplicado, aguardando o operador central): {held}"),
        { Snapshot: { Rows: { } rows } status } => $"{status.Status}: " + Localized.Text(
            string.Create(Localized.Culture, $"{rows.Inserted:N0} new, {rows.Updated:N0} changed, {rows.Deleted:N0} removed, {rows.Unchanged:N0} unchanged"),
            string.Create(Localized.Culture, $"linhas: {rows.Inserted:N0} novas, {rows.Updated:N0} alteradas, {rows.Deleted:N0} removidas, {rows.Unchanged:N0} inalteradas")),
        { Snapshot: { Reason: { } reason } status } => $"{status.Status}: {reason}",
        { Snapshot: { } status } => status.Status,
    };
}
