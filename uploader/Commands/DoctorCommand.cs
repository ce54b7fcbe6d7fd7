using System.Net;
using System.Net.Sockets;
using Ingest.Contracts;
using Ingest.Uploader.Config;
using Ingest.Uploader.Extraction;
using Ingest.Uploader.Scheduling;
using Ingest.Uploader.Transport;
using Npgsql;

namespace Ingest.Uploader.Commands;

/// <summary>One check of <c>doctor</c>: a stable name, the outcome, what was seen, and the fix when it failed.</summary>
public sealed record DoctorCheck(string Name, DoctorOutcome Outcome, string Detail, string? Fix = null, string? Code = null);

public enum DoctorOutcome
{
    Pass,
    Warn,
    Fail,
}

/// <summary>
/// Checks everything a run needs and says how to fix what is wrong: config, database (reachable, rights, the lists'
/// tables, PEC reporting freshness), backend (DNS, HTTPS, health), token, clock, disk and schedule. Sends the report
/// as a heartbeat. Exit code: 0 when nothing failed, else the category of the first failure.
/// </summary>
public sealed class DoctorCommand(UploaderConfig config, TextWriter output, Func<string?>? crontab = null)
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(5);

    public async Task<(int ExitCode, IReadOnlyList<DoctorCheck> Checks)> ExecuteAsync(CancellationToken ct)
    {
        var checks = new List<DoctorCheck>();
        await CheckDatabaseAsync(checks, ct);
        using var backend = new BackendClient(config.Endpoint, new UploadConfig { MaxAttempts = 1, AttemptTimeoutSeconds = 20 });
        var lists = await CheckBackendAsync(checks, backend, ct);
        if (lists is not null)
        {
            await CheckListsAsync(checks, lists, ct);
        }

        CheckDisk(checks);
        CheckSchedule(checks);

        foreach (var check in checks)
        {
            var mark = check.Outcome switch { DoctorOutcome.Pass => "ok  ", DoctorOutcome.Warn => "warn", _ => "FAIL" };
            output.WriteLine($"[{mark}] {check.Name,-16} {check.Detail}");
            if (check.Fix is not null && check.Outcome != DoctorOutcome.Pass)
            {
                output.WriteLine($"       fix: {check.Fix}");
            }
        }

        var firstFailure = checks.FirstOrDefault(c => c.Outcome == DoctorOutcome.Fail);
        var exitCode = firstFailure is null ? ExitCodes.Ok : ExitCodeFor(firstFailure.Name);
        output.WriteLine(firstFailure is null ? "doctor: everything needed for a run is in place" : $"doctor: {checks.Count(c => c.Outcome == DoctorOutcome.Fail)} problem(s) to fix");

        foreach (var site in config.Sites)
        {
            var heartbeat = new HeartbeatDto(
                "doctor", BackendClient.Version, OperatingSystem.IsWindows() ? "windows" : "linux", DateTimeOffset.UtcNow,
                Outcome: firstFailure is null ? "ok" : "failed",
                ErrorCode: firstFailure?.Code,
                DatabaseReachable: checks.Any(c => c.Name == "database" && c.Outcome == DoctorOutcome.Pass),
                Checks: [.. checks.Select(c => new HeartbeatCheck(c.Name, c.Outcome != DoctorOutcome.Fail, c.Code))]);
            await backend.SendHeartbeatAsync(site.Token, heartbeat, ct);
        }

        return (exitCode, checks);
    }

    private static int ExitCodeFor(string check) => check switch
    {
        "database" or "database-rights" or "list-tables" => ExitCodes.Database,
        "token" => ExitCodes.Token,
        "backend" or "dns" => ExitCodes.Network,
        _ => ExitCodes.Config,
    };

    private async Task CheckDatabaseAsync(List<DoctorCheck> checks, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(config.Database.ConnectionString) { Timeout = 10 };
        try
        {
            await using var dataSource = ListExtractor.CreateDataSource(builder.ConnectionString);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT current_user::text, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user), current_setting('server_version')";
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var (user, super, version) = (reader.GetString(0), reader.GetBoolean(1), reader.GetString(2));
            checks.Add(new DoctorCheck("database", DoctorOutcome.Pass, $"connected to {builder.Host}:{builder.Port}/{builder.Database} as {user} (PostgreSQL {version})"));
            checks.Add(super
                ? new DoctorCheck("database-rights", DoctorOutcome.Warn, $"{user} is a superuser: more rights than needed", "Use the read-only role esus_leitura (run 'uploader install' again, or set database.connectionString).", "superuser")
                : new DoctorCheck("database-rights", DoctorOutcome.Pass, $"{user} is not a superuser"));
            await reader.DisposeAsync();
            await CheckFreshnessAsync(checks, connection, ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or SocketException)
        {
            var (detail, fix, code) = ex switch
            {
                PostgresException { SqlState: "28P01" or "28000" } => ("the database refused the user or password", "Check database.connectionString (user esus_leitura and its password from credenciais.txt).", "database-login"),
                PostgresException { SqlState: "3D000" } => ("the database does not exist", "Check the database name in database.connectionString (PEC uses 'esus').", "database-name"),
                _ => ($"cannot reach PostgreSQL at {builder.Host}:{builder.Port}", "Is the PEC database running? PEC's bundled PostgreSQL listens on 127.0.0.1:5433; check the e-SUS services.", "database-down"),
            };
            checks.Add(new DoctorCheck("database", DoctorOutcome.Fail, detail, fix, code));
        }
    }

    private static async Task CheckFreshnessAsync(List<DoctorCheck> checks, NpgsqlConnection connection, CancellationToken ct)
    {
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT max(dt_processamento)::text FROM tb_relatorio_processamento";
            var last = await command.ExecuteScalarAsync(ct) as string;
            if (last is null || !DateTime.TryParse(last, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var at))
            {
                checks.Add(new DoctorCheck("pec-reports", DoctorOutcome.Warn, "PEC has not recorded any reporting refresh", "Check that PEC's nightly processing runs.", "pec-reports-unknown"));
                return;
            }

            var age = DateTime.Now - at;
            checks.Add(age > TimeSpan.FromHours(48)
                ? new DoctorCheck("pec-reports", DoctorOutcome.Warn, $"PEC last refreshed its reporting tables {age.TotalHours:F0} h ago: lists will be stale", "Check PEC's processing (Administração → Processamento) or restart PEC.", "pec-reports-stale")
                : new DoctorCheck("pec-reports", DoctorOutcome.Pass, $"PEC reporting refreshed {age.TotalHours:F0} h ago"));
        }
        catch (PostgresException)
        {
            checks.Add(new DoctorCheck("pec-reports", DoctorOutcome.Warn, "tb_relatorio_processamento not readable", "Is this the PEC database (esus)?", "pec-reports-unknown"));
        }
    }

    private async Task<ListCatalogDto?> CheckBackendAsync(List<DoctorCheck> checks, BackendClient backend, CancellationToken ct)
    {
        var endpoint = new Uri(config.Endpoint);
        var proxy = backend.ProxyText;

        // Behind a proxy the proxy resolves the endpoint's name (these networks often have no outside DNS): resolve the proxy's.
        var host = backend.Proxy?.Host ?? endpoint.Host;
        if (!IPAddress.TryParse(host, out _))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, ct);
                var resolved = $"{host} resolves to {string.Join(", ", addresses.Take(3).Select(a => a.ToString()))}";
                checks.Add(new DoctorCheck("dns", DoctorOutcome.Pass, proxy is null ? resolved : $"{endpoint.Host} via proxy {proxy} ({resolved})"));
            }
            catch (SocketException)
            {
                checks.Add(proxy is null
                    ? new DoctorCheck("dns", DoctorOutcome.Fail, $"{endpoint.Host} does not resolve", "Check the machine's DNS servers or the proxy settings; try: nslookup " + endpoint.Host, "dns")
                    : new DoctorCheck("dns", DoctorOutcome.Fail, $"the proxy's host {host} does not resolve", $"Check the proxy address {proxy} (HTTPS_PROXY / the system proxy settings) and the machine's DNS servers; try: nslookup {host}", "proxy"));
                return null;
            }
        }
        else if (proxy is not null)
        {
            checks.Add(new DoctorCheck("dns", DoctorOutcome.Pass, $"{endpoint.Host} via proxy {proxy}"));
        }

        var health = await backend.ProbeAsync(ct);
        if (health.Error is not null)
        {
            var (fix, code) = health.Failure switch
            {
                ProbeFailure.Certificate => ("Something between this machine and the backend presents a certificate it does not trust: usually an intercepting (TLS-inspecting) proxy or antivirus. Install its CA certificate in the OS certificate store (or have the endpoint exempted from inspection), and check the date and clock.", "tls-certificate"),
                ProbeFailure.ProxyUnreachable => ($"Is the proxy {proxy} running, and is that its right address (HTTPS_PROXY / the system proxy settings)?", "proxy"),
                ProbeFailure.ProxyRefused => ($"Ask the network administrator to let the proxy {proxy} open HTTPS connections to {endpoint.Host}:{endpoint.Port}, and check the proxy's user and password.", "proxy"),
                _ => ("Check the internet connection, the firewall (HTTPS out to the endpoint) and the system proxy; TLS errors usually mean an intercepting proxy or a wrong clock.", "network"),
            };
            checks.Add(new DoctorCheck("backend", DoctorOutcome.Fail, $"{config.Endpoint} unreachable: {health.Error}", fix, code));
            return null;
        }

        checks.Add(new DoctorCheck("backend", DoctorOutcome.Pass, $"{config.Endpoint} answers ({health.Status}){(proxy is null ? string.Empty : $" via proxy {proxy}")}"));
        if (health.ServerTime is { } serverTime)
        {
            var skew = DateTimeOffset.UtcNow - serverTime;
            checks.Add(skew.Duration() > MaxClockSkew
                ? new DoctorCheck("clock", DoctorOutcome.Fail, $"this machine's clock is {skew.TotalMinutes:F0} min off", "Set the clock right (enable time synchronisation / NTP).", "clock-skew")
                : new DoctorCheck("clock", DoctorOutcome.Pass, $"clock within {Math.Abs(skew.TotalSeconds):F0} s of the backend"));
        }

        ListCatalogDto? lists = null;
        foreach (var site in config.Sites)
        {
            try
            {
                lists = await backend.GetListsAsync(site.Token, ct);
                checks.Add(new DoctorCheck("token", DoctorOutcome.Pass, $"site {site.Ibge}: token accepted, {lists.Lists.Count} list(s) to send"));
            }
            catch (BackendAuthException)
            {
                checks.Add(new DoctorCheck("token", DoctorOutcome.Fail, $"site {site.Ibge}: the backend refused the token", "Ask the operator for a new token and run 'uploader install --token …' again.", "token"));
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
            {
                checks.Add(new DoctorCheck("token", DoctorOutcome.Fail, $"site {site.Ibge}: could not fetch the list definitions", "Retry later; if it persists, check the network.", "network"));
            }
        }

        return lists;
    }

    /// <summary>EXPLAIN of each list's SQL in a read-only transaction: proves the tables, columns and rights exist, reads nothing.</summary>
    private async Task CheckListsAsync(List<DoctorCheck> checks, ListCatalogDto lists, CancellationToken ct)
    {
        try
        {
            await using var dataSource = ListExtractor.CreateDataSource(config.Database.ConnectionString);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            foreach (var list in lists.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)))
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using var command = connection.CreateCommand();
                command.CommandText = $"SET TRANSACTION READ ONLY; EXPLAIN\n{list.Sql}";
                try
                {
                    await command.ExecuteNonQueryAsync(ct);
                    checks.Add(new DoctorCheck("list-tables", DoctorOutcome.Pass, $"{list.Name}: the PEC tables it reads are present and readable"));
                }
                catch (PostgresException ex)
                {
                    checks.Add(new DoctorCheck("list-tables", DoctorOutcome.Fail, $"{list.Name}: {ex.SqlState} {ex.MessageText}",
                        ex.SqlState == "42501" ? "Grant SELECT on the PEC tables to the uploader's role (esus_leitura has it by default)." : "This PEC version may lack a table the list needs: tell the operator.", "list-tables"));
                }

                await transaction.RollbackAsync(ct);
            }
        }
        catch (NpgsqlException)
        {
            // Reported by the database check.
        }
    }

    private void CheckDisk(List<DoctorCheck> checks)
    {
        try
        {
            Directory.CreateDirectory(config.SpoolDirectory);
            var free = new DriveInfo(Path.GetFullPath(config.SpoolDirectory)).AvailableFreeSpace;
            checks.Add(free < 1L << 30
                ? new DoctorCheck("disk", DoctorOutcome.Fail, $"only {free / (1 << 20)} MB free for the spool at {config.SpoolDirectory}", "Free disk space or move spoolDirectory to a larger disk.", "disk")
                : new DoctorCheck("disk", DoctorOutcome.Pass, $"{free / (1L << 30)} GB free for the spool"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            checks.Add(new DoctorCheck("disk", DoctorOutcome.Fail, $"spool directory {config.SpoolDirectory} not writable", "Run as the account the schedule uses, or fix the folder's permissions.", "disk"));
        }
    }

    private void CheckSchedule(List<DoctorCheck> checks)
    {
        if (crontab is null)
        {
            checks.Add(new DoctorCheck("schedule", DoctorOutcome.Warn, "schedule not checked on this system", "Run 'uploader install' to register the daily run.", "schedule-unknown"));
            return;
        }

        var table = crontab();
        checks.Add(table is not null && table.Contains(ScheduleDefinitions.CronMarker, StringComparison.Ordinal)
            ? new DoctorCheck("schedule", DoctorOutcome.Pass, "daily run registered")
            : new DoctorCheck("schedule", DoctorOutcome.Fail, "no daily run registered", "Run 'uploader install' (it registers the daily run).", "schedule"));
    }
}
