using System.Net;
using System.Net.Sockets;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Pipeline;
using PecLists.Uploader.Scheduling;
using PecLists.Uploader.Transport;
using Npgsql;

namespace PecLists.Uploader.Commands;

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
        using var backend = new BackendClient(config.Endpoint, new UploadConfig { MaxAttempts = 1, AttemptTimeoutSeconds = 20, Proxy = config.Upload.Proxy });
        var lists = await CheckBackendAsync(checks, backend, ct);
        IReadOnlyList<RefusedDefinition> refused = [];
        if (lists is not null)
        {
            (var verified, refused) = CheckSignatures(checks, lists);
            await CheckListsAsync(checks, verified, ct);
        }

        CheckDisk(checks);
        CheckSchedule(checks);

        foreach (var check in checks)
        {
            var mark = check.Outcome switch { DoctorOutcome.Pass => Localized.Text("ok  ", "ok   "), DoctorOutcome.Warn => Localized.Text("warn", "aviso"), _ => Localized.Text("FAIL", "FALHA") };
            output.WriteLine($"[{mark}] {check.Name,-16} {check.Detail}");
            if (check.Fix is not null && check.Outcome != DoctorOutcome.Pass)
            {
                output.WriteLine(Localized.Text($"       fix: {check.Fix}", $"        como resolver: {check.Fix}"));
            }
        }

        var firstFailure = checks.FirstOrDefault(c => c.Outcome == DoctorOutcome.Fail);
        var exitCode = firstFailure is null ? ExitCodes.Ok : ExitCodeFor(firstFailure.Name);
        output.WriteLine(firstFailure is null
            ? Localized.Text("doctor: everything needed for a run is in place", "doctor: tudo o que a execução precisa está em ordem")
            : Localized.Text($"doctor: {checks.Count(c => c.Outcome == DoctorOutcome.Fail)} problem(s) to fix", $"doctor: {checks.Count(c => c.Outcome == DoctorOutcome.Fail)} problema(s) a resolver"));

        foreach (var site in config.Sites)
        {
            var heartbeat = Heartbeats.ForDoctor(
                DateTimeOffset.UtcNow,
                firstFailure?.Code,
                databaseReachable: checks.Any(c => c.Name == "database" && c.Outcome == DoctorOutcome.Pass),
                [.. checks.Select(c => new HeartbeatCheck(c.Name, c.Outcome != DoctorOutcome.Fail, c.Code))],
                refused);
            await backend.SendHeartbeatAsync(site.Token, heartbeat, ct);
        }

        return (exitCode, checks);
    }

    private static int ExitCodeFor(string check) => check switch
    {
        "database" or "database-rights" or "list-tables" => ExitCodes.Database,
        "token" => ExitCodes.Token,
        "backend" or "dns" => ExitCodes.Network,
        "list-signatures" => ExitCodes.DefinitionSignature,
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
            checks.Add(new DoctorCheck("database", DoctorOutcome.Pass, Localized.Text($"connected to {builder.Host}:{builder.Port}/{builder.Database} as {user} (PostgreSQL {version})", $"conectado a {builder.Host}:{builder.Port}/{builder.Database} como {user} (PostgreSQL {version})")));
            checks.Add(super
                ? new DoctorCheck("database-rights", DoctorOutcome.Warn, Localized.Text($"{user} is a superuser: more rights than needed", $"{user} é superusuário: tem mais permissões do que o necessário"), Localized.Text("Use the read-only role esus_leitura (run 'uploader install' again, or set database.connectionString).", "Use o usuário somente leitura esus_leitura (execute 'uploader install' novamente ou ajuste database.connectionString)."), "superuser")
                : new DoctorCheck("database-rights", DoctorOutcome.Pass, Localized.Text($"{user} is not a superuser", $"{user} não é superusuário")));
            await reader.DisposeAsync();
            await CheckFreshnessAsync(checks, connection, ct);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or SocketException)
        {
            var (detail, fix, code) = ex switch
            {
                PostgresException { SqlState: "28P01" or "28000" } => (Localized.Text("the database refused the user or password", "o banco de dados recusou o usuário ou a senha"), Localized.Text("Check database.connectionString (user esus_leitura and its password from credenciais.txt).", "Confira database.connectionString (usuário esus_leitura e a senha dele em credenciais.txt)."), "database-login"),
                PostgresException { SqlState: "3D000" } => (Localized.Text("the database does not exist", "o banco de dados não existe"), Localized.Text("Check the database name in database.connectionString (PEC uses 'esus').", "Confira o nome do banco em database.connectionString (o PEC usa 'esus')."), "database-name"),
                _ => (Localized.Text($"cannot reach PostgreSQL at {builder.Host}:{builder.Port}", $"não foi possível conectar ao PostgreSQL em {builder.Host}:{builder.Port}"), Localized.Text("Is the PEC database running? PEC's bundled PostgreSQL listens on 127.0.0.1:5433; check the e-SUS services.", "O banco de dados do PEC está em execução? O PostgreSQL que vem com o PEC escuta em 127.0.0.1:5433; verifique os serviços do e-SUS."), "database-down"),
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
                checks.Add(new DoctorCheck("pec-reports", DoctorOutcome.Warn, Localized.Text("PEC has not recorded any reporting refresh", "o PEC não registrou nenhum processamento dos relatórios"), Localized.Text("Check that PEC's nightly processing runs.", "Verifique se o processamento noturno do PEC está rodando."), "pec-reports-unknown"));
                return;
            }

            var age = DateTime.Now - at;
            checks.Add(age > TimeSpan.FromHours(48)
                ? new DoctorCheck("pec-reports", DoctorOutcome.Warn, Localized.Text($"PEC last refreshed its reporting tables {age.TotalHours:F0} h ago: lists will be stale", $"o PEC atualizou as tabelas de relatórios pela última vez há {age.TotalHours:F0} h: as listas ficarão desatualizadas"), Localized.Text("Check PEC's processing (Administração → Processamento) or restart PEC.", "Verifique o processamento do PEC (Administração → Processamento) ou reinicie o PEC."), "pec-reports-stale")
                : new DoctorCheck("pec-reports", DoctorOutcome.Pass, Localized.Text($"PEC reporting refreshed {age.TotalHours:F0} h ago", $"relatórios do PEC atualizados há {age.TotalHours:F0} h")));
        }
        catch (PostgresException)
        {
            checks.Add(new DoctorCheck("pec-reports", DoctorOutcome.Warn, Localized.Text("tb_relatorio_processamento not readable", "não foi possível ler tb_relatorio_processamento"), Localized.Text("Is this the PEC database (esus)?", "Este é mesmo o banco de dados do PEC (esus)?"), "pec-reports-unknown"));
        }
    }

    private async Task<ListCatalogDto?> CheckBackendAsync(List<DoctorCheck> checks, BackendClient backend, CancellationToken ct)
    {
        var endpoint = new Uri(config.Endpoint);
        var proxy = backend.ProxyText;
        var proxySource = config.Upload.Proxy is null
            ? Localized.Text("HTTPS_PROXY / the system proxy settings", "HTTPS_PROXY / as configurações de proxy do sistema")
            : Localized.Text("upload.proxy in the config; 'uploader install --proxy' changes it", "upload.proxy na configuração; 'uploader install --proxy' o altera");

        // Behind a proxy the proxy resolves the endpoint's name (these networks often have no outside DNS): resolve the proxy's.
        var host = backend.Proxy?.Host ?? endpoint.Host;
        if (!IPAddress.TryParse(host, out _))
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(host, ct);
                var list = string.Join(", ", addresses.Take(3).Select(a => a.ToString()));
                checks.Add(new DoctorCheck("dns", DoctorOutcome.Pass, proxy is null
                    ? Localized.Text($"{host} resolves to {list}", $"{host} resolve para {list}")
                    : Localized.Text($"{endpoint.Host} via proxy {proxy} ({host} resolves to {list})", $"{endpoint.Host} via proxy {proxy} ({host} resolve para {list})")));
            }
            catch (SocketException)
            {
                checks.Add(proxy is null
                    ? new DoctorCheck("dns", DoctorOutcome.Fail,
                        Localized.Text($"{endpoint.Host} does not resolve", $"o nome {endpoint.Host} não foi encontrado no DNS"),
                        Localized.Text("Check the machine's DNS servers or the proxy settings; try: nslookup ", "Verifique os servidores DNS da máquina ou as configurações de proxy; teste com: nslookup ") + endpoint.Host,
                        "dns")
                    : new DoctorCheck("dns", DoctorOutcome.Fail,
                        Localized.Text($"the proxy's host {host} does not resolve", $"o nome do proxy, {host}, não foi encontrado no DNS"),
                        Localized.Text(
                            $"Check the proxy address {proxy} ({proxySource}) and the machine's DNS servers; try: nslookup {host}",
                            $"Confira o endereço do proxy {proxy} ({proxySource}) e os servidores DNS da máquina; teste com: nslookup {host}"),
                        "proxy"));
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
                ProbeFailure.Certificate => (Localized.Text(
                    "Something between this machine and the backend presents a certificate it does not trust: usually an intercepting (TLS-inspecting) proxy or antivirus. Install its CA certificate in the OS certificate store (or have the endpoint exempted from inspection), and check the date and clock.",
                    "Algo entre esta máquina e o servidor central apresenta um certificado em que ela não confia: geralmente um proxy ou antivírus que inspeciona TLS. Instale o certificado da autoridade (CA) dele no repositório de certificados do sistema (ou peça que o endereço fique fora da inspeção) e confira a data e o relógio."), "tls-certificate"),
                ProbeFailure.ProxyUnreachable => (Localized.Text(
                    $"Is the proxy {proxy} running, and is that its right address ({proxySource})?",
                    $"O proxy {proxy} está no ar, e esse é o endereço certo dele ({proxySource})?"), "proxy"),
                ProbeFailure.ProxyRefused => (Localized.Text(
                    $"Ask the network administrator to let the proxy {proxy} open HTTPS connections to {endpoint.Host}:{endpoint.Port}, and check the proxy's user and password.",
                    $"Peça ao administrador da rede que o proxy {proxy} permita conexões HTTPS para {endpoint.Host}:{endpoint.Port}, e confira o usuário e a senha do proxy."), "proxy"),
                _ => (Localized.Text(
                    "Check the internet connection, the firewall (HTTPS out to the endpoint) and the system proxy; TLS errors usually mean an intercepting proxy or a wrong clock.",
                    "Verifique a conexão com a internet, o firewall (saída HTTPS para o endereço) e o proxy do sistema; erros de TLS costumam indicar um proxy que intercepta o tráfego ou o relógio errado."), "network"),
            };
            checks.Add(new DoctorCheck("backend", DoctorOutcome.Fail, Localized.Text($"{config.Endpoint} unreachable: {health.Error}", $"{config.Endpoint} inacessível: {health.Error}"), fix, code));
            return null;
        }

        var via = proxy is null ? string.Empty : $" via proxy {proxy}";
        checks.Add(new DoctorCheck("backend", DoctorOutcome.Pass, Localized.Text($"{config.Endpoint} answers ({health.Status}){via}", $"{config.Endpoint} responde ({health.Status}){via}")));
        if (health.Degraded is { } degraded)
        {
            // Reachable, but the backend says a dependency is down: uploads will be refused or wait; nothing to fix here.
            checks.Add(new DoctorCheck("backend-health", DoctorOutcome.Warn,
                Localized.Text($"the backend reports a problem: {degraded}", $"o servidor central informa um problema: {degraded}"),
                Localized.Text("Nothing to change on this machine: runs keep their snapshots and retry. If it lasts, tell the central team.",
                    "Nada a mudar nesta máquina: as execuções guardam os envios e tentam de novo. Se persistir, avise a equipe central."),
                "backend-degraded"));
        }

        if (health.ServerTime is { } serverTime)
        {
            var skew = DateTimeOffset.UtcNow - serverTime;
            checks.Add(skew.Duration() > MaxClockSkew
                ? new DoctorCheck("clock", DoctorOutcome.Fail, Localized.Text($"this machine's clock is {skew.TotalMinutes:F0} min off", $"o relógio desta máquina está com {skew.TotalMinutes:F0} min de diferença"), Localized.Text("Set the clock right (enable time synchronisation / NTP).", "Acerte o relógio (ative a sincronização de horário / NTP)."), "clock-skew")
                : new DoctorCheck("clock", DoctorOutcome.Pass, Localized.Text($"clock within {Math.Abs(skew.TotalSeconds):F0} s of the backend", $"relógio com {Math.Abs(skew.TotalSeconds):F0} s de diferença em relação ao servidor central")));
        }

        ListCatalogDto? lists = null;
        foreach (var site in config.Sites)
        {
            try
            {
                lists = await backend.GetListsAsync(site.Token, ct);
                checks.Add(new DoctorCheck("token", DoctorOutcome.Pass, Localized.Text($"site {site.Ibge}: token accepted, {lists.Lists.Count} list(s) to send", $"município {site.Ibge}: token aceito, {lists.Lists.Count} lista(s) a enviar")));
            }
            catch (BackendAuthException)
            {
                checks.Add(new DoctorCheck("token", DoctorOutcome.Fail, Localized.Text($"site {site.Ibge}: the backend refused the token", $"município {site.Ibge}: o servidor central recusou o token"), Localized.Text("Ask the operator for a new token and run 'uploader install --token …' again.", "Peça um novo token ao operador e execute 'uploader install --token …' novamente."), "token"));
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
            {
                checks.Add(new DoctorCheck("token", DoctorOutcome.Fail, Localized.Text($"site {site.Ibge}: could not fetch the list definitions", $"município {site.Ibge}: não foi possível obter as definições das listas"), Localized.Text("Retry later; if it persists, check the network.", "Tente novamente mais tarde; se persistir, verifique a rede."), "network"));
            }
        }

        return lists;
    }

    /// <summary>Every definition the backend serves must be signed by the key pinned at install; only those are EXPLAINed.</summary>
    private (IReadOnlyList<ListDefinitionDto> Verified, IReadOnlyList<RefusedDefinition> Refused) CheckSignatures(List<DoctorCheck> checks, ListCatalogDto lists)
    {
        var signatures = new SignedDefinitions(config.ListSigningKeyBytes() ?? []);
        var (verified, refused) = signatures.Check(lists.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
        if (refused.Count == 0)
        {
            checks.Add(new DoctorCheck("list-signatures", DoctorOutcome.Pass, Localized.Text(
                $"{verified.Count} list definition(s) signed by the pinned key {signatures.KeyId}",
                $"{verified.Count} definição(ões) de lista assinada(s) pela chave registrada {signatures.KeyId}")));
            return (verified, refused);
        }

        var names = string.Join(", ", refused.Select(r => $"{r.List} v{r.Version}"));
        checks.Add(new DoctorCheck("list-signatures", DoctorOutcome.Fail,
            Localized.Text(
                $"not signed by the pinned key {signatures.KeyId}, so not run: {names}",
                $"não assinada(s) pela chave registrada {signatures.KeyId}, por isso não executada(s): {names}"),
            Localized.Text(
                "The backend serves a definition not signed by the key pinned at install: tell the operator. Re-run 'uploader install' with the right --list-signing-key only if the operator changed keys.",
                "O servidor central envia uma definição não assinada pela chave registrada na instalação: avise o operador. Execute 'uploader install' com a --list-signing-key certa somente se o operador trocou de chave."),
            DefinitionCodes.Signature));
        return (verified, refused);
    }

    /// <summary>EXPLAIN of each list's SQL in a read-only transaction: proves the tables, columns and rights exist, reads nothing.</summary>
    private async Task CheckListsAsync(List<DoctorCheck> checks, IReadOnlyList<ListDefinitionDto> lists, CancellationToken ct)
    {
        try
        {
            await using var dataSource = ListExtractor.CreateDataSource(config.Database.ConnectionString);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            foreach (var list in lists)
            {
                await using var transaction = await connection.BeginTransactionAsync(ct);
                await using var command = connection.CreateCommand();
                command.CommandText = $"SET TRANSACTION READ ONLY; EXPLAIN\n{list.Sql}";
                try
                {
                    await command.ExecuteNonQueryAsync(ct);
                    checks.Add(new DoctorCheck("list-tables", DoctorOutcome.Pass, Localized.Text($"{list.Name}: the PEC tables it reads are present and readable", $"{list.Name}: as tabelas do PEC que ela lê existem e podem ser lidas")));
                }
                catch (PostgresException ex)
                {
                    checks.Add(new DoctorCheck("list-tables", DoctorOutcome.Fail, $"{list.Name}: {ex.SqlState} {ex.MessageText}",
                        ex.SqlState == "42501"
                            ? Localized.Text("Grant SELECT on the PEC tables to the uploader's role (esus_leitura has it by default).", "Conceda SELECT nas tabelas do PEC ao usuário do uploader (o esus_leitura já tem por padrão).")
                            : Localized.Text("This PEC version may lack a table the list needs: tell the operator.", "Esta versão do PEC pode não ter uma tabela de que a lista precisa: avise o operador."), "list-tables"));
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
                ? new DoctorCheck("disk", DoctorOutcome.Fail, Localized.Text($"only {free / (1 << 20)} MB free for the spool at {config.SpoolDirectory}", $"apenas {free / (1 << 20)} MB livres para a fila local (spool) em {config.SpoolDirectory}"), Localized.Text("Free disk space or move spoolDirectory to a larger disk.", "Libere espaço em disco ou mude spoolDirectory para um disco maior."), "disk")
                : new DoctorCheck("disk", DoctorOutcome.Pass, Localized.Text($"{free / (1L << 30)} GB free for the spool", $"{free / (1L << 30)} GB livres para a fila local (spool)")));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            checks.Add(new DoctorCheck("disk", DoctorOutcome.Fail, Localized.Text($"spool directory {config.SpoolDirectory} not writable", $"sem permissão de escrita na pasta da fila local (spool) {config.SpoolDirectory}"), Localized.Text("Run as the account the schedule uses, or fix the folder's permissions.", "Execute com a conta usada pelo agendamento ou corrija as permissões da pasta."), "disk"));
        }
    }

    private void CheckSchedule(List<DoctorCheck> checks)
    {
        if (crontab is null)
        {
            checks.Add(new DoctorCheck("schedule", DoctorOutcome.Warn, Localized.Text("schedule not checked on this system", "agendamento não verificado neste sistema"), Localized.Text("Run 'uploader install' to register the daily run.", "Execute 'uploader install' para registrar a execução diária."), "schedule-unknown"));
            return;
        }

        var table = crontab();
        checks.Add(table is not null && table.Contains(ScheduleDefinitions.CronMarker, StringComparison.Ordinal)
            ? new DoctorCheck("schedule", DoctorOutcome.Pass, Localized.Text("daily run registered", "execução diária registrada"))
            : new DoctorCheck("schedule", DoctorOutcome.Fail, Localized.Text("no daily run registered", "nenhuma execução diária registrada"), Localized.Text("Run 'uploader install' (it registers the daily run).", "Execute 'uploader install' (ele registra a execução diária)."), "schedule"));
    }
}
