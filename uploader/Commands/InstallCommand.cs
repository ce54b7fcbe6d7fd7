using System.Text.Json;
using Ingest.Uploader.Config;
using Ingest.Uploader.Discovery;
using Ingest.Uploader.Localization;
using Ingest.Uploader.Scheduling;
using Ingest.Uploader.Transport;
using Npgsql;

namespace Ingest.Uploader.Commands;

public sealed record InstallOptions(
    string Endpoint,
    string Token,
    string ConfigPath,
    string? DatabaseConnection = null,
    string? SpoolDirectory = null,
    TimeOnly? WindowStart = null,
    double WindowHours = 5,
    string? ExecutablePath = null,
    string? RunAsUser = null)
{
    public string? LogDirectory { get; init; }
}

/// <summary>
/// One command, one secret: finds the PEC database, verifies it, learns the site from the token, writes the config
/// (owner-only), registers the daily run at the site's spot in the window, runs doctor (which reports the first
/// heartbeat) and says what it did. Re-running it is safe: the same inputs give the same config and schedule.
/// </summary>
public sealed class InstallCommand(InstallOptions options, TextWriter output, IScheduler scheduler, Func<IReadOnlyList<string>>? installRoots = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        // 1. The PEC database: flags first, then what the PEC install records.
        var notes = new List<string>();
        var connection = options.DatabaseConnection
            ?? PecDiscovery.Discover(installRoots?.Invoke() ?? PecDiscovery.DefaultInstallRoots, PecDiscovery.DefaultPecConfig, notes)?.ConnectionString;
        foreach (var note in notes)
        {
            output.WriteLine($"  {note}");
        }

        if (connection is null)
        {
            output.WriteLine(Localized.Text(
                "Could not find the PEC database settings. Pass --db \"Host=…;Port=5433;Database=esus;Username=esus_leitura;Password=…\".",
                "Não foi possível encontrar os dados de conexão do banco do PEC. Informe --db \"Host=…;Port=5433;Database=esus;Username=esus_leitura;Password=…\"."));
            return ExitCodes.Config;
        }

        try
        {
            await using var dataSource = Extraction.ListExtractor.CreateDataSource(connection);
            await using var db = await dataSource.OpenConnectionAsync(ct);
            var where = $"{new NpgsqlConnectionStringBuilder(connection).Username}@{db.Host}:{db.Port}/{db.Database}";
            output.WriteLine(Localized.Text($"ok    PEC database reachable ({where})", $"ok    banco de dados do PEC acessível ({where})"));
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            var reason = (ex as PostgresException)?.SqlState ?? Localized.Text("unreachable", "inacessível");
            output.WriteLine(Localized.Text(
                $"FAIL  cannot connect to the PEC database ({reason}). Is PEC running? Are the user and password right?",
                $"FALHA não foi possível conectar ao banco de dados do PEC ({reason}). O PEC está em execução? O usuário e a senha estão certos?"));
            return ExitCodes.Database;
        }

        // 2. The site: the token says which municipality this is.
        string site;
        using (var backend = new BackendClient(options.Endpoint, new UploadConfig { MaxAttempts = 3, FirstRetryDelaySeconds = 1, AttemptTimeoutSeconds = 30 }))
        {
            try
            {
                var catalog = await backend.GetListsAsync(options.Token, ct);
                site = catalog.Site ?? throw new HttpRequestException("the backend did not say which site the token belongs to");
                output.WriteLine(Localized.Text(
                    $"ok    token accepted for site {site}; {catalog.Lists.Count} list(s) to send",
                    $"ok    token aceito para o município {site}; {catalog.Lists.Count} lista(s) a enviar"));
            }
            catch (BackendAuthException)
            {
                output.WriteLine(Localized.Text(
                    "FAIL  the backend refused the token. Check it was copied whole, or ask the operator for a new one.",
                    "FALHA o servidor central recusou o token. Confira se ele foi copiado inteiro, ou peça um novo ao operador."));
                return ExitCodes.Token;
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
            {
                output.WriteLine(Localized.Text(
                    $"FAIL  cannot reach {options.Endpoint}: {ex.Message}. Check the internet connection, firewall and proxy.",
                    $"FALHA não foi possível acessar {options.Endpoint}: {ex.Message}. Verifique a conexão com a internet, o firewall e o proxy."));
                return ExitCodes.Network;
            }
        }

        // 3. The config, readable only by the account that runs the job.
        var existing = File.Exists(options.ConfigPath) ? TryLoad(options.ConfigPath) : null;
        var config = existing ?? new UploaderConfig();
        config.Endpoint = options.Endpoint;
        config.Database.ConnectionString = connection;
        config.SpoolDirectory = options.SpoolDirectory ?? existing?.SpoolDirectory ?? DefaultPaths.SpoolDirectory;
        config.LogDirectory = options.LogDirectory ?? existing?.LogDirectory ?? DefaultPaths.LogDirectory;
        config.Sites = [.. config.Sites.Where(s => s.Ibge != site), new SiteConfig { Ibge = site, Token = options.Token }];
        config.Sites.Sort((a, b) => string.CompareOrdinal(a.Ibge, b.Ibge));
        // Scheduled runs get no locale from cron or systemd: they speak the language the installer spoke.
        config.Language = Localized.FromOperatingSystem is { } language ? Localized.Tag(language) : existing?.Language;
        var changed = WriteConfig(options.ConfigPath, config);
        output.WriteLine(changed
            ? Localized.Text($"ok    config written to {options.ConfigPath} (readable by its owner only)", $"ok    configuração gravada em {options.ConfigPath} (legível só pelo dono)")
            : Localized.Text($"ok    config unchanged at {options.ConfigPath} (readable by its owner only)", $"ok    configuração sem alterações em {options.ConfigPath} (legível só pelo dono)"));

        // 4. The schedule: the site's own minute in the window, so hundreds of sites never fire together.
        var at = ScheduleTime.For(site, options.WindowStart ?? new TimeOnly(1, 0), TimeSpan.FromHours(options.WindowHours));
        var job = new ScheduledJob(
            options.ExecutablePath ?? OwnExecutable(),
            Path.GetFullPath(options.ConfigPath),
            at,
            // Windows runs the task as SYSTEM (a service account: no password stored); Linux as the installing user.
            options.RunAsUser ?? (OperatingSystem.IsWindows() ? @"NT AUTHORITY\SYSTEM" : Environment.UserName));
        string registered;
        try
        {
            registered = scheduler.Register(job);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            output.WriteLine(Localized.Text(
                $"FAIL  could not register the daily run: {ex.Message}",
                $"FALHA não foi possível agendar a execução diária: {ex.Message}"));
            return ExitCodes.Config;
        }

        output.WriteLine(Localized.Text($"ok    daily run at {at:HH\\:mm} {registered}", $"ok    execução diária às {at:HH\\:mm} {registered}"));

        // 5. Doctor, which also sends the first heartbeat.
        output.WriteLine("doctor:");
        var (doctorExit, _) = await new DoctorCommand(config, output, scheduler.Current).ExecuteAsync(ct);
        output.WriteLine(doctorExit == ExitCodes.Ok
            ? Localized.Text(
                $"Installed. The first run happens at {at:HH\\:mm}; to send now: {job.ExecutablePath} run --config {job.ConfigPath}",
                $"Instalado. A primeira execução será às {at:HH\\:mm}; para enviar agora: {job.ExecutablePath} run --config {job.ConfigPath}")
            : Localized.Text(
                "Installed, but doctor found problems (above): fix them, then run 'uploader doctor' again.",
                "Instalado, mas o doctor encontrou problemas (acima): corrija-os e execute 'uploader doctor' novamente."));
        return doctorExit;
    }

    /// <summary>
    /// The program the schedule must start: this executable, or, when launched as "dotnet uploader.dll", the app host
    /// beside the dll (the schedule cannot rely on a PATH that finds dotnet).
    /// </summary>
    public static string OwnExecutable()
    {
        var process = Environment.ProcessPath ?? "uploader";
        if (!Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return process;
        }

        var appHost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "uploader.exe" : "uploader");
        return File.Exists(appHost) ? appHost : process;
    }

    private static UploaderConfig? TryLoad(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), UploaderJsonContext.Default.UploaderConfig);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the file only when its content changes; always leaves it owner-only (0600 on Linux).</summary>
    public static bool WriteConfig(string path, UploaderConfig config)
    {
        var json = JsonSerializer.Serialize(config, UploaderJsonContext.Default.UploaderConfig);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var changed = !File.Exists(path) || File.ReadAllText(path) != json;
        if (changed)
        {
            var temp = path + ".tmp";
            File.WriteAllText(temp, string.Empty);
            RestrictToOwner(temp);
            File.WriteAllText(temp, json);
            File.Move(temp, path, overwrite: true);
        }

        RestrictToOwner(path);
        return changed;
    }

    private static void RestrictToOwner(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            WindowsAcl.RestrictToOwner(path);
        }
        else
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
