using System.CommandLine;
using System.Reflection;
using Ingest.Uploader.Config;

namespace Ingest.Uploader.Commands;

public static class UploaderCommandLine
{
    public static RootCommand Build()
    {
        var configPath = new Option<string>("--config")
        {
            Description = "Config file path.",
            DefaultValueFactory = _ => DefaultPaths.ConfigFile,
            Recursive = true,
        };
        var root = new RootCommand("PEC list uploader: extracts nominal lists read-only and sends them to the central backend.");
        root.Options.Add(configPath);

        var run = new Command("run", "Extract every list and send it (what the schedule runs).");
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
            return await new RunCommand(config, log).ExecuteAsync(ct);
        });

        var sqlFile = new Option<string>("--sql-file") { Description = "File with the query to extract.", Required = true };
        var output = new Option<string>("--out") { Description = "Where to write the gzip CSV.", Required = true };
        var level = new Option<string?>("--level") { Description = "gzip level: optimal (default), fastest, smallest, none." };
        var extract = new Command("extract", "Extract a query to a local gzip CSV, as 'run' would, without sending it.") { sqlFile, output, level };
        extract.SetAction(async (parse, ct) =>
        {
            try
            {
                var config = UploaderConfig.Load(parse.GetValue(configPath)!);
                return await ExtractCommand.ExecuteAsync(config, parse.GetValue(sqlFile)!, parse.GetValue(output)!, ExtractCommand.ParseLevel(parse.GetValue(level)), Console.Out, ct);
            }
            catch (ConfigException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return ExitCodes.Config;
            }
            catch (Npgsql.NpgsqlException ex)
            {
                // The SQL state only: PostgreSQL's message text can quote a row's values.
                await Console.Error.WriteLineAsync(ex is Npgsql.PostgresException pg
                    ? $"Database error {pg.SqlState} (see https://www.postgresql.org/docs/current/errcodes-appendix.html)."
                    : "Database unreachable: check that the PEC database is running and the connection settings.");
                return ExitCodes.Database;
            }
        });

        var doctor = new Command("doctor", "Check everything a run needs and say how to fix what is wrong; reports to the backend.");
        doctor.SetAction(async (parse, ct) =>
        {
            UploaderConfig config;
            try
            {
                config = UploaderConfig.Load(parse.GetValue(configPath)!);
            }
            catch (ConfigException ex)
            {
                await Console.Out.WriteLineAsync($"[FAIL] config           {ex.Message}");
                return ExitCodes.Config;
            }

            var (exitCode, _) = await new DoctorCommand(config, Console.Out, Scheduling.WindowsTaskScheduler.ForThisMachine().Current).ExecuteAsync(ct);
            return exitCode;
        });

        var endpoint = new Option<string>("--endpoint") { Description = "The backend's address (https://…).", Required = true };
        var token = new Option<string>("--token") { Description = "This site's token (from the operator).", Required = true };
        var db = new Option<string?>("--db") { Description = "PEC database connection string (default: found from the PEC install)." };
        var spoolDir = new Option<string?>("--spool") { Description = "Spool folder (default: the system's spool location)." };
        var windowStart = new Option<string?>("--window-start") { Description = "Start of the daily window, HH:mm (default 01:00)." };
        var windowHours = new Option<double>("--window-hours") { Description = "Length of the daily window in hours (default 5).", DefaultValueFactory = _ => 5 };
        var logDir = new Option<string?>("--log-dir") { Description = "Log folder (default: the system's log location)." };
        var pecRoot = new Option<string?>("--pec-root") { Description = "PEC install folder when not in the usual place (/opt/e-SUS, C:\\Program Files\\e-SUS)." };
        var install = new Command("install", "Configure this machine: find the PEC database, write the config, schedule the daily run, run doctor.")
        {
            endpoint, token, db, spoolDir, windowStart, windowHours, pecRoot, logDir,
        };
        install.SetAction(async (parse, ct) =>
        {
            var options = new InstallOptions(
                parse.GetValue(endpoint)!, parse.GetValue(token)!, parse.GetValue(configPath)!, parse.GetValue(db), parse.GetValue(spoolDir),
                parse.GetValue(windowStart) is { } start ? TimeOnly.ParseExact(start, "HH:mm", System.Globalization.CultureInfo.InvariantCulture) : null,
                parse.GetValue(windowHours))
            {
                LogDirectory = parse.GetValue(logDir),
            };
            IReadOnlyList<string> Roots() => parse.GetValue(pecRoot) is { } root ? [root] : Discovery.PecDiscovery.DefaultInstallRoots;
            return await new InstallCommand(options, Console.Out, Scheduling.WindowsTaskScheduler.ForThisMachine(), Roots).ExecuteAsync(ct);
        });

        var purge = new Option<bool>("--purge") { Description = "Also delete the config and the spool." };
        var uninstall = new Command("uninstall", "Remove the daily run (and, with --purge, the config and spool).") { purge };
        uninstall.SetAction(parse =>
        {
            Scheduling.WindowsTaskScheduler.ForThisMachine().Unregister();
            Console.WriteLine("Daily run removed.");
            if (parse.GetValue(purge))
            {
                var path = parse.GetValue(configPath)!;
                var spool = File.Exists(path) ? UploaderConfig.Load(path).SpoolDirectory : null;
                File.Delete(path);
                if (spool is not null && Directory.Exists(spool))
                {
                    Directory.Delete(spool, recursive: true);
                }

                Console.WriteLine("Config and spool deleted.");
            }

            return ExitCodes.Ok;
        });

        var status = new Command("status", "The last runs and what the backend says of each snapshot sent.");
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

        var version = new Command("version", "Print the version.");
        version.SetAction(_ =>
        {
            var informational = typeof(UploaderCommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
            Console.WriteLine($"uploader {informational.Split('+')[0]} ({System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier})");
            return ExitCodes.Ok;
        });

        root.Subcommands.Add(run);
        root.Subcommands.Add(extract);
        root.Subcommands.Add(doctor);
        root.Subcommands.Add(install);
        root.Subcommands.Add(status);
        root.Subcommands.Add(uninstall);
        root.Subcommands.Add(version);
        return root;
    }
}
