using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Releases;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Telemetry;
using Npgsql;

namespace PecLists.Functions.Ingest;

/// <summary>
/// POST /api/v1/heartbeats: stores the uploader's health report. The body is size-capped, must match the schema
/// exactly (unknown fields are refused) and every text value must fit a strict allow-list, so names, CPF or CNS
/// cannot be smuggled in; what is stored is the re-serialised report, never the raw body.
/// </summary>
public static partial class HeartbeatEndpoint
{
    public const int MaxBytes = 16 * 1024;

    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        MaxDepth = 8,
    };

    public static async Task<IResult> HandleAsync(HttpContext context, string site, NpgsqlDataSource database, TimeProvider time, ILogger logger)
    {
        var ct = context.RequestAborted;
        if (context.Request.ContentLength > MaxBytes)
        {
            return Problems.Result(413, ProblemCodes.TooLarge, "Heartbeat too large", $"A heartbeat is at most {MaxBytes} bytes.");
        }

        var body = new byte[MaxBytes + 1];
        var length = 0;
        int read;
        while (length <= MaxBytes && (read = await context.Request.Body.ReadAsync(body.AsMemory(length), ct)) > 0)
        {
            length += read;
        }

        if (length > MaxBytes)
        {
            return Problems.Result(413, ProblemCodes.TooLarge, "Heartbeat too large", $"A heartbeat is at most {MaxBytes} bytes.");
        }

        HeartbeatDto? heartbeat;
        try
        {
            heartbeat = JsonSerializer.Deserialize<HeartbeatDto>(body.AsSpan(0, length), Strict);
        }
        catch (JsonException ex)
        {
            return Problems.Result(400, ProblemCodes.BadHeartbeat, "Heartbeat is not valid", $"The heartbeat does not match the schema ({ex.Path ?? "body"}).");
        }

        var problem = heartbeat is null ? "Empty heartbeat." : Validate(heartbeat);
        if (problem is not null || heartbeat is null)
        {
            return Problems.Result(400, ProblemCodes.BadHeartbeat, "Heartbeat is not valid", problem);
        }

        if (LooksPersonal(heartbeat))
        {
            return Problems.Result(400, ProblemCodes.PersonalData, "Heartbeat looks like it holds personal data",
                "A heartbeat carries only versions, codes and counts; a long digit run (CPF/CNS-like) or free text was found.");
        }

        // Positive: the site's clock is behind the backend's.
        var skew = heartbeat.ClockSkewSeconds ?? Math.Round((time.GetUtcNow() - heartbeat.SentAt).TotalSeconds, 1);
        // One transaction: the heartbeat row and what its update report changes (the site's last update, a block) are
        // stored together or not at all. A heartbeat without its report would tell the fleet view a version the rollout
        // never hears about; a report without its heartbeat, a block the site's history does not explain. A failure
        // answers 5xx and the uploader keeps the report for its next heartbeat (it is marked told only on success).
        await using var connection = await database.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO ingest.heartbeats (site_id, received_at, report) VALUES (@site, clock_timestamp(), @report::jsonb)",
            new { site, report = JsonSerializer.Serialize(heartbeat with { ClockSkewSeconds = skew }, ContractsJsonContext.Default.HeartbeatDto) },
            transaction, cancellationToken: ct));
        if (heartbeat.Update is { } update)
        {
            await SiteUpdateReports.RecordAsync(connection, transaction, site, update, ct);
        }

        await transaction.CommitAsync(ct);
        if (heartbeat.Update is { } told)
        {
            logger.UpdateReported(site, told.State, told.Version, told.FromVersion ?? "none", told.Reason ?? "none", heartbeat.Os);
        }

        var unreported = heartbeat.UnreportedRuns ?? [];
        logger.HeartbeatReceived(heartbeat.Kind, site, heartbeat.Outcome ?? "unknown", SiteCondition.FromHeartbeat(heartbeat.Outcome, heartbeat.ErrorCode, skew) ?? "none",
            heartbeat.UploaderVersion, heartbeat.Os, skew, heartbeat.SpoolDepth ?? 0, unreported.Count, SiteCondition.UnreportedCategory(unreported) ?? "none");
        return TypedResults.NoContent();
    }

    /// <summary>Null when valid; otherwise what is wrong, naming the field (never echoing its value).</summary>
    public static string? Validate(HeartbeatDto h)
    {
        if (h.Kind is not (HeartbeatKinds.Run or HeartbeatKinds.Doctor or HeartbeatKinds.Install))
        {
            return $"'kind' must be {HeartbeatKinds.Run}, {HeartbeatKinds.Doctor} or {HeartbeatKinds.Install}";
        }

        if (h.UploaderVersion is null || h.Os is null)
        {
            return "'uploaderVersion' and 'os' are required";
        }

        if (!Version().IsMatch(h.UploaderVersion))
        {
            return "'uploaderVersion' must look like 1.2.3";
        }

        if (!Code().IsMatch(h.Os))
        {
            return "'os' must be a short lowercase code";
        }

        foreach (var (name, value) in new[] { ("outcome", h.Outcome), ("errorCode", h.ErrorCode) })
        {
            if (value is not null && !Code().IsMatch(value))
            {
                return $"'{name}' must be a short lowercase code";
            }
        }

        if (h.PecVersion is not null && !Version().IsMatch(h.PecVersion))
        {
            return "'pecVersion' must look like 5.2.38";
        }

        if (h.SpoolDepth is < 0 || h.SpoolDropped is < 0 || h.DiskFreeBytes is < 0)
        {
            return "counts must not be negative";
        }

        if (h.Checks is { Count: > 50 })
        {
            return "at most 50 checks";
        }

        if (h.Checks?.Any(c => c is null || c.Name is null || !Code().IsMatch(c.Name) || (c.Code is not null && !Code().IsMatch(c.Code))) == true)
        {
            return "check names and codes must be short lowercase codes";
        }

        if (h.UnreportedRuns is { Count: > UnreportedRun.MaxPerHeartbeat })
        {
            return $"at most {UnreportedRun.MaxPerHeartbeat} unreported runs";
        }

        // No rule on ranAt: a site whose clock was set back (NTP at last) reports runs "after" its sentAt, and refusing
        // that heartbeat would only lose this run too.
        if (h.UnreportedRuns?.Any(r => r is null || r.Outcome is null || !Code().IsMatch(r.Outcome) || (r.ErrorCode is not null && !Code().IsMatch(r.ErrorCode))) == true)
        {
            return "unreported runs need a short lowercase outcome and code";
        }

        if (h.Update is { } update && UpdateProblem(update) is { } problem)
        {
            return problem;
        }

        if (h.RefusedDefinitions is { Count: > 50 })
        {
            return "at most 50 refused definitions";
        }

        return h.RefusedDefinitions?.Any(r => r is null || r.List is null || !ListName().IsMatch(r.List) || r.Version < 1
                || r.Code is null || !Code().IsMatch(r.Code) || r.KeyId is null || !KeyId().IsMatch(r.KeyId)) == true
            ? "refused definitions need a list name, a version, a short lowercase code and a 16-hex-digit key id"
            : null;
    }

    /// <summary>The <c>update</c> report: a known state, versions shaped like versions, a short lowercase reason code.</summary>
    private static string? UpdateProblem(UpdateReportDto update)
    {
        if (update.State is not (UpdateStates.Updated or UpdateStates.UpdateFailed or UpdateStates.RolledBack))
        {
            return $"'update.state' must be {UpdateStates.Updated}, {UpdateStates.UpdateFailed} or {UpdateStates.RolledBack}";
        }

        if (update.Version is null || !Version().IsMatch(update.Version) || (update.FromVersion is not null && !Version().IsMatch(update.FromVersion)))
        {
            return "'update.version' (and 'update.fromVersion') must look like 1.2.3";
        }

        return update.Reason is not null && !Code().IsMatch(update.Reason) ? "'update.reason' must be a short lowercase code" : null;
    }

    /// <summary>Belt and braces after the allow-list: any run of 11+ digits (CPF has 11, CNS 15) is refused.</summary>
    private static bool LooksPersonal(HeartbeatDto h) =>
        new[] { h.UploaderVersion, h.Os, h.Outcome, h.ErrorCode, h.PecVersion }
            .Concat(h.Checks?.SelectMany(c => new[] { c.Name, c.Code }) ?? [])
            .Concat(h.RefusedDefinitions?.SelectMany(r => new[] { r.List, r.Code }) ?? [])
            .Concat(h.UnreportedRuns?.SelectMany(r => new[] { r.Outcome, r.ErrorCode }) ?? [])
            .Concat(h.Update is { } u ? [u.State, u.Version, u.FromVersion, u.Reason] : [])
            .Any(v => v is not null && LongDigitRun().IsMatch(v));

    [GeneratedRegex("^[0-9]{1,4}(\\.[0-9]{1,4}){0,3}([-+][0-9A-Za-z.]{1,20})?$")]
    private static partial Regex Version();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,39}$")]
    private static partial Regex Code();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,39}$")]
    private static partial Regex ListName();

    /// <summary>A key id is hex (<c>ListDefinitionSignature.KeyId</c>): checked by shape, not by the digit-run rule, which hex can trip.</summary>
    [GeneratedRegex("^[0-9a-f]{16}$")]
    private static partial Regex KeyId();

    [GeneratedRegex("[0-9]{11,}")]
    private static partial Regex LongDigitRun();
}
