using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using LocalInfra;
using Npgsql;

namespace PecLists.Functions.Tests.Infrastructure;

/// <summary>
/// Reads the plans auto_explain wrote to a cluster's JSON log (<c>log_destination = jsonlog</c>, PostgreSQL 15 or later,
/// with <c>auto_explain.log_format = json</c>): each log line is one JSON object whose <c>message</c> is
/// "duration: … ms  plan:" followed by the plan (https://www.postgresql.org/docs/current/auto-explain.html,
/// https://www.postgresql.org/docs/current/runtime-config-logging.html#RUNTIME-CONFIG-LOGGING-JSONLOG).
/// </summary>
public static class PlanLog
{
    private const string PlanPrefix = "plan:\n";

    /// <summary>
    /// Runs a marker statement of its own and waits until the logging collector has written its plan: every statement
    /// that finished before it is then in the log too (one pipe to the collector, written in order).
    /// </summary>
    public static async Task<IReadOnlyList<LoggedPlan>> ReadUntilMarkerAsync(NpgsqlDataSource database, string dataDirectory)
    {
        var marker = $"plan_log_marker_{Guid.NewGuid():N}";
        await using (var connection = await database.OpenConnectionAsync())
        {
            await connection.ExecuteScalarAsync<string>($"SELECT '{marker}'::text");
        }

        var plans = await Eventually.UntilAsync(
            () => Read(Path.Combine(dataDirectory, "log")),
            read => read.Exists(p => p.QueryText.Contains(marker, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30),
            $"the plan of '{marker}' to reach the log in {dataDirectory}/log",
            TimeSpan.FromMilliseconds(50),
            read => $"{read.Count} plans");
        return plans[..plans.FindIndex(p => p.QueryText.Contains(marker, StringComparison.Ordinal))];
    }

    private static List<LoggedPlan> Read(string directory)
    {
        var plans = new List<LoggedPlan>();
        foreach (var file in Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (Parse(line) is { } plan)
                {
                    plans.Add(plan);
                }
            }
        }

        return plans;
    }

    private static LoggedPlan? Parse(string line)
    {
        JsonNode? entry;
        try
        {
            entry = JsonNode.Parse(line);
        }
        catch (JsonException)
        {
            return null; // the line the collector is still writing
        }

        var message = entry?["message"]?.GetValue<string>();
        var at = message?.IndexOf(PlanPrefix, StringComparison.Ordinal) ?? -1;
        if (message is null || at < 0)
        {
            return null;
        }

        var json = message[(at + PlanPrefix.Length)..];
        var explained = JsonNode.Parse(json)!;
        return new LoggedPlan(explained["Query Text"]?.GetValue<string>() ?? string.Empty, explained["Plan"]!, json);
    }
}
