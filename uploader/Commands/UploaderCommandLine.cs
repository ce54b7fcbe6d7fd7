using System.CommandLine;
using System.Reflection;
using PecLists.Uploader.Config;
using PecLists.Uploader.Installation;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Commands;

public static class UploaderCommandLine
{
    public static RootCommand Build()
    {
        var configPath = new Option<string>("--config")
        {
            Description = Localized.Text("Config file path.", "Caminho do arquivo de configuração."),
            DefaultValueFactory = _ => DefaultPaths.ConfigFile,
            Recursive = true,
        };
        var root = new RootCommand(Localized.Text("PEC list uploader: extracts nominal lists read-only and sends them to the central backend.", "Envio de listas do PEC: extrai as listas nominais somente leitura e as envia ao servidor central."));
        root.Options.Add(configPath);

        var run = new Command("run", Localized.Text("Extract every list and send it (what the schedule runs).", "Extrai cada lista e a envia (é o que o agendamento executa)."));
        run.SetAction(async (parse, ct) =>
        {
            UploaderConfig config;
            try
            {
                config = UploaderConfig.Load(parse.GetValue(configPath)!);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Config;
            }

            using var log = new Spooling.RunLog(Console.Out, config.LogDirectory);
            return await new RunCommand(config, log, Output.TerminalProgress.ForConsole(), parse.GetValue(configPath)).ExecuteAsync(ct);
        });

        var watch = new Command("watch", Localized.Text(
            "Poll the lists that have a schedule, each every few minutes, until stopped (what the watch service runs).",
            "Lê as listas que têm agenda, cada uma a cada poucos minutos, até ser interrompido (é o que o serviço de monitoramento executa)."));
        watch.SetAction(async (parse, ct) =>
        {
            UploaderConfig config;
            try
            {
                config = UploaderConfig.Load(parse.GetValue(configPath)!);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Config;
            }

            return await new WatchCommand(config, () => new Spooling.RunLog(Console.Out, config.LogDirectory), parse.GetValue(configPath)).ExecuteAsync(ct);
        });

        var sqlFile = new Option<string?>("--sql-file") { Description = Localized.Text("File with the query to extract.", "Arquivo com a consulta a extrair.") };
        var definition = new Option<string?>("--definition")
        {
            Description = Localized.Text(
                "Instead of --sql-file: a list definition (JSON) of any source kind, an HTTP API's included (secrets from the config).",
                "Em vez de --sql-file: uma definição de lista (JSON) de qualquer tipo de fonte, inclusive uma API HTTP (segredos da configuração)."),
        };
        var output = new Option<string>("--out") { Description = Localized.Text("Where to write the gzip CSV.", "Onde gravar o CSV compactado (gzip)."), Required = true };
        var level = new Option<string?>("--level") { Description = Localized.Text("gzip level: optimal (default), fastest, smallest, none.", "Nível de compressão gzip: optimal (padrão), fastest, smallest, none.") };
        var masks = new Option<string[]>("--mask")
        {
            Description = Localized.Text(
                "Mask a column as a list definition would: column=hash, column=redact, column=truncate:month (year, month, day, hour), column=last-digits:4. Repeatable.",
                "Mascara uma coluna como uma definição de lista faria: coluna=hash, coluna=redact, coluna=truncate:month (year, month, day, hour), coluna=last-digits:4. Pode ser repetida."),
            AllowMultipleArgumentsPerToken = false,
        };
        var extract = new Command("extract", Localized.Text("Extract a query to a local gzip CSV, as 'run' would, without sending it.", "Extrai uma consulta para um CSV gzip local, como o 'run' faria, sem enviá-lo.")) { sqlFile, definition, output, level, masks };
        extract.SetAction(async (parse, ct) =>
        {
            try
            {
                var config = UploaderConfig.Load(parse.GetValue(configPath)!);
                if (parse.GetValue(definition) is { } definitionFile)
                {
                    if (parse.GetValue(masks) is { Length: > 0 })
                    {
                        // The definition's own masks apply; --mask beside them would suggest a file masked otherwise than run spools it.
                        throw new ConfigException(Localized.Text(
                            "--mask is for --sql-file: with --definition the definition's own masks apply",
                            "--mask é para --sql-file: com --definition valem as máscaras da própria definição"));
                    }

                    return await ExtractCommand.ExecuteDefinitionAsync(
                        config, definitionFile, parse.GetValue(output)!, ExtractCommand.ParseLevel(parse.GetValue(level)), Console.Out, Console.Error, ct, Output.TerminalProgress.ForConsole());
                }

                if (parse.GetValue(sqlFile) is null)
                {
                    throw new ConfigException(Localized.Text("extract needs --sql-file or --definition", "extract precisa de --sql-file ou --definition"));
                }

                return await ExtractCommand.ExecuteAsync(
                    config, parse.GetValue(sqlFile)!, parse.GetValue(output)!, ExtractCommand.ParseLevel(parse.GetValue(level)), Console.Out, Console.Error, ct, Output.TerminalProgress.ForConsole(),
                    ExtractCommand.ParseMasks(parse.GetValue(masks) ?? []));
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Config;
            }
        });

        var doctor = new Command("doctor", Localized.Text("Check everything a run needs and say how to fix what is wrong; reports to the backend.", "Verifica tudo o que uma execução precisa e diz como corrigir o que estiver errado; envia o resultado ao servidor central."));
        doctor.SetAction(async (parse, ct) =>
        {
            UploaderConfig config;
            try
            {
                config = UploaderConfig.Load(parse.GetValue(configPath)!);
            }
            catch (ConfigException ex)
            {
                await Console.Out.WriteLineAsync(Localized.Text($"[FAIL] config           {ex.Message}", $"[FALHA] config           {ex.Message}"));
                return ExitCodes.Config;
            }

            var (exitCode, _) = await new DoctorCommand(config, Console.Out, Scheduling.Schedulers.CurrentOfAll, () => Scheduling.WatchService.Here(parse.GetValue(configPath)!)).ExecuteAsync(ct);
            return exitCode;
        });

        var endpoint = new Option<string>("--endpoint") { Description = Localized.Text("The backend's address (https://…).", "Endereço do servidor central (https://…)."), Required = true };
        var token = new Option<string?>("--token")
        {
            Description = Localized.Text(
                $"This site's token (from the operator). '--token -' reads it from standard input; without --token it is taken from {InstallToken.EnvironmentVariable}. Either keeps it out of the process list and the shell history.",
                $"Token deste município (fornecido pelo operador). '--token -' o lê da entrada padrão; sem --token ele é lido de {InstallToken.EnvironmentVariable}. Assim ele não aparece na lista de processos nem no histórico do shell."),
        };
        var db = new Option<string?>("--db") { Description = Localized.Text("PEC database connection string (default: found from the PEC install).", "String de conexão do banco de dados do PEC (padrão: obtida da instalação do PEC).") };
        var spoolDir = new Option<string?>("--spool") { Description = Localized.Text("Spool folder (default: the system's spool location).", "Pasta da fila local (spool) (padrão: o local de spool do sistema).") };
        var windowStart = new Option<string?>("--window-start") { Description = Localized.Text("Start of the daily window, HH:mm (default 01:00).", "Início da janela diária, HH:mm (padrão 01:00).") };
        var windowHours = new Option<double>("--window-hours") { Description = Localized.Text("Length of the daily window in hours (default 5).", "Duração da janela diária em horas (padrão 5)."), DefaultValueFactory = _ => 5 };
        var logDir = new Option<string?>("--log-dir") { Description = Localized.Text("Log folder (default: the system's log location).", "Pasta de logs (padrão: o local de logs do sistema).") };
        var pecRoot = new Option<string?>("--pec-root") { Description = Localized.Text("PEC install folder when not in the usual place (/opt/e-SUS, C:\\Program Files\\e-SUS).", "Pasta de instalação do PEC, quando não estiver no lugar de costume (/opt/e-SUS, C:\\Program Files\\e-SUS).") };
        var scheduler = new Option<string>("--scheduler")
        {
            Description = Localized.Text(
                "Linux: 'systemd' (a timer; needs root), 'cron', or 'auto' (systemd where it runs and we are root, else cron).",
                "Linux: 'systemd' (um timer; exige root), 'cron' ou 'auto' (systemd onde ele roda e somos root, senão cron)."),
            DefaultValueFactory = _ => "auto",
        };
        scheduler.AcceptOnlyFromAmong("auto", "cron", "systemd");
        var proxy = new Option<string?>("--proxy")
        {
            Description = Localized.Text(
                "Proxy for the scheduled runs: http://[user:password@]host:port, or 'direct' for none (default: the proxy this session uses, e.g. HTTPS_PROXY, which cron, systemd and Task Scheduler do not pass on).",
                "Proxy para as execuções agendadas: http://[usuário:senha@]host:porta, ou 'direct' para nenhum (padrão: o proxy que esta sessão usa, como o HTTPS_PROXY, que o cron, o systemd e o Agendador de Tarefas não repassam)."),
        };
        var listSigningKey = new Option<string?>("--list-signing-key")
        {
            Description = Localized.Text(
                "The operator's list-signing public key: base64, or the path of its .pem file. Required the first time; re-runs keep the pinned one unless given.",
                "A chave pública de assinatura das listas do operador: base64, ou o caminho do arquivo .pem. Obrigatória na primeira vez; as reexecuções mantêm a registrada, a menos que seja informada."),
        };
        var releaseSigningKey = new Option<string[]>("--release-signing-key")
        {
            Description = Localized.Text(
                "The operator's release-signing public key (base64 or a .pem file's path; repeatable): the uploader then installs new versions of itself signed with it. Re-runs keep the pinned ones unless given.",
                "A chave pública de assinatura de versões do operador (base64 ou o caminho de um arquivo .pem; pode ser repetida): o uploader passa a instalar novas versões de si mesmo assinadas com ela. As reexecuções mantêm as registradas, a menos que sejam informadas."),
            AllowMultipleArgumentsPerToken = false,
        };
        var install = new Command("install", Localized.Text("Configure this machine: find the PEC database, write the config, schedule the daily run and the watch service, run doctor.", "Configura esta máquina: encontra o banco de dados do PEC, grava a configuração, agenda a execução diária e o serviço de monitoramento e executa o doctor."))
        {
            endpoint, token, db, spoolDir, windowStart, windowHours, pecRoot, logDir, scheduler, proxy, listSigningKey, releaseSigningKey,
        };
        install.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(token) == InstallToken.FromStandardInput && !Console.IsInputRedirected)
            {
                await Console.Error.WriteAsync(Localized.Text("Site token: ", "Token do município: "));
            }

            if (InstallToken.Resolve(parse.GetValue(token), Console.In, Environment.GetEnvironmentVariable) is not { } siteToken)
            {
                await Console.Out.WriteLineAsync(Localized.Text(
                    $"FAIL  no site token: pipe it to '--token -' (or type it), or set {InstallToken.EnvironmentVariable}.",
                    $"FALHA sem token do município: envie-o para '--token -' pela entrada padrão (ou digite-o), ou defina {InstallToken.EnvironmentVariable}."));
                return ExitCodes.Config;
            }

            var options = new InstallOptions(
                parse.GetValue(endpoint)!, siteToken, parse.GetValue(configPath)!, parse.GetValue(db), parse.GetValue(spoolDir),
                parse.GetValue(windowStart) is { } start ? TimeOnly.ParseExact(start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture) : null,
                parse.GetValue(windowHours))
            {
                LogDirectory = parse.GetValue(logDir),
                Proxy = parse.GetValue(proxy),
                ListSigningKey = parse.GetValue(listSigningKey),
                ReleaseSigningKeys = parse.GetValue(releaseSigningKey),
            };
            IReadOnlyList<string> Roots() => parse.GetValue(pecRoot) is { } root ? [root] : Discovery.PecDiscovery.DefaultInstallRoots;
            return await new InstallCommand(options, Console.Out, Scheduling.Schedulers.ForThisMachine(parse.GetValue(scheduler)), Roots).ExecuteAsync(ct);
        });

        var purge = new Option<bool>("--purge") { Description = Localized.Text("Also delete the config and the spool.", "Apaga também a configuração e a fila local (spool).") };
        var uninstall = new Command("uninstall", Localized.Text("Remove the daily run and the watch service (and, with --purge, the config and spool).", "Remove a execução diária e o serviço de monitoramento (e, com --purge, a configuração e a fila local).")) { purge };
        uninstall.SetAction(parse =>
            new UninstallCommand(Scheduling.Schedulers.All(), Console.Out).Execute(parse.GetValue(configPath)!, parse.GetValue(purge)));

        var status = new Command("status", Localized.Text("The last runs and what the backend says of each snapshot sent.", "As últimas execuções e o que o servidor central diz de cada envio."));
        status.SetAction(async (parse, ct) =>
        {
            try
            {
                return await new StatusCommand(UploaderConfig.Load(parse.GetValue(configPath)!), Console.Out).ExecuteAsync(ct);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Config;
            }
        });

        var version = new Command("version", Localized.Text("Print the version.", "Mostra a versão."));
        version.SetAction(_ =>
        {
            var informational = typeof(UploaderCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            Console.WriteLine($"uploader {informational.Split('+')[0]} ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})");
            return ExitCodes.Ok;
        });

        root.Subcommands.Add(run);
        root.Subcommands.Add(watch);
        root.Subcommands.Add(extract);
        root.Subcommands.Add(doctor);
        root.Subcommands.Add(install);
        root.Subcommands.Add(status);
        root.Subcommands.Add(uninstall);
        root.Subcommands.Add(version);
        return root;
    }
}
