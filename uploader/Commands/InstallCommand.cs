using System.Diagnostics;
using System.Text.Json;
using Ingest.Uploader.Config;
using Ingest.Uploader.Discovery;
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
            output.WriteLine("Could not find the PEC database settings. Pass --db \"Host=…;Port=5433;Database=esus;Username=esus_leitura;Password=…\".");
            return ExitCodes.Config;
        }

        try
        {
            await using var dataSource = Extraction.ListExtractor.CreateDataSource(connection);
            await using var db = await dataSource.OpenConnectionAsync(ct);
            output.WriteLine($"ok   PEC database reachable ({new NpgsqlConnectionStringBuilder(connection).Username}@{db.Host}:{db.Port}/{db.Database})");
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            output.WriteLine($"FAIL cannot connect to the PEC database ({(ex as PostgresException)?.SqlState ?? "unreachable"}). Is PEC running? Are the user and password right?");
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
                output.WriteLine($"ok   token accepted for site {site}; {catalog.Lists.Count} list(s) to send");
            }
            catch (BackendAuthException)
            {
                output.WriteLine("FAIL the backend refused the token. Check it was copied whole, or ask the operator for a new one.");
                return ExitCodes.Token;
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
            {
                output.WriteLine($"FAIL cannot reach {options.Endpoint}: {ex.Message}. Check the internet connection, firewall and proxy.");
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
        var changed = WriteConfig(options.ConfigPath, config);
        output.WriteLine($"ok   config {(changed ? "written to" : "unchanged at")} {options.ConfigPath} (owner-only)");

        // 4. The schedule: the site's own minute in the window, so hundreds of sites never fire together.
        var at = ScheduleTime.For(site, options.WindowStart ?? new TimeOnly(1, 0), TimeSpan.FromHours(options.WindowHours));
        var job = new ScheduledJob(
            options.ExecutablePath ?? OwnExecutable(),
            Path.GetFullPath(options.ConfigPath),
            at,
            // Windows runs the task as SYSTEM (a service account: no password stored); Linux as the installing user.
            options.RunAsUser ?? (OperatingSystem.IsWindows() ? @"NT AUTHORITY\SYSTEM" : Environment.UserName));
        var registered = scheduler.Register(job);
        output.WriteLine($"ok   daily run at {at:HH\\:mm} {registered}");

        // 5. Doctor, which also sends the first heartbeat.
        output.WriteLine("doctor:");
        var (doctorExit, _) = await new DoctorCommand(config, output, scheduler.Current).ExecuteAsync(ct);
        output.WriteLine(doctorExit == ExitCodes.Ok
            ? $"Installed. The first run happens at {at:HH\\:mm}; to send now: {job.ExecutablePath} run --config {job.ConfigPath}"
            : "Installed, but doctor found problems (above): fix them, then run 'uploader doctor' again.");
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

/// <summary>Where the daily run is registered (cron, systemd, Task Scheduler); swapped in tests.</summary>
public interface IScheduler
{
    /// <summary>Registers (or replaces) the job; returns a short description of where.</summary>
    string Register(ScheduledJob job);

    void Unregister();

    /// <summary>The current crontab-like text for doctor's schedule check (null when unknown).</summary>
    string? Current();
}

/// <summary>The invoking user's crontab, edited through the crontab command with our marker line.</summary>
public sealed class CronScheduler : IScheduler
{
    public string Register(ScheduledJob job)
    {
        Write(ScheduleDefinitions.MergeCrontab(Crontab.Read(), job));
        return "in cron";
    }

    public void Unregister() => Write(ScheduleDefinitions.MergeCrontab(Crontab.Read(), null));

    public string? Current() => Crontab.Read();

    private static void Write(string crontab)
    {
        using var process = Process.Start(new ProcessStartInfo("crontab", "-") { RedirectStandardInput = true, UseShellExecute = false })
            ?? throw new InvalidOperationException("crontab could not be started; install cron.");
        process.StandardInput.Write(crontab);
        process.StandardInput.Close();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"crontab exited with {process.ExitCode}.");
        }
    }
}
