using System.Diagnostics.CodeAnalysis;
using System.Net;
using Npgsql;
using PecLists.Uploader.Config;
using PecLists.Uploader.Diagnostics;
using PecLists.Uploader.Discovery;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Installation;

/// <summary>
/// The steps of <c>install</c>: choose the signing key and the proxy, find and verify the PEC database, learn the site
/// from the token, write the config (owner-only) and register the daily run at the site's spot in the window. Each
/// step says what happened; re-running them with the same inputs gives the same config and schedule.
/// The proxy this session uses (<paramref name="systemProxy"/>, by default HttpClient.DefaultProxy) is what gets
/// recorded when --proxy is not given: the scheduled runs start without the installer's HTTPS_PROXY or Windows settings.
/// </summary>
public sealed class Installer(InstallOptions options, IScheduler scheduler, Func<IReadOnlyList<string>>? installRoots = null, IWebProxy? systemProxy = null)
{
    /// <summary>Whether <paramref name="endpoint"/> is an absolute http(s) address.</summary>
    public static bool IsEndpoint(string endpoint, [NotNullWhen(true)] out Uri? uri) => EndpointRule.IsHttpAddress(endpoint, out uri);

    /// <summary>The config already at the config path (null when none or unreadable): what a re-run keeps.</summary>
    public UploaderConfig? LoadExisting() => ConfigFile.TryLoad(options.ConfigPath);

    public (string? Key, string Report) ChooseListSigningKey(UploaderConfig? existing) => ListSigningKeyChoice.Choose(options.ListSigningKey, existing);

    public (List<string>? Keys, string Report) ChooseReleaseSigningKeys(UploaderConfig? existing) => ReleaseSigningKeyChoice.Choose(options.ReleaseSigningKeys, existing);

    public (string? Proxy, List<string> Report) ChooseProxy(Uri endpoint, string? recorded) =>
        ProxyChoice.Choose(options.Proxy, endpoint, recorded, systemProxy ?? HttpClient.DefaultProxy);

    /// <summary>The PEC database: --db first, then what the PEC install records (what was looked at goes to <paramref name="notes"/>).</summary>
    public string? FindDatabase(List<string> notes) =>
        options.DatabaseConnection ?? PecDiscovery.Discover(installRoots?.Invoke() ?? PecDiscovery.DefaultInstallRoots, PecDiscovery.DefaultPecConfig, notes)?.ConnectionString;

    /// <summary>Connects once: "user@host:port/database", or why not (the SQL state, or unreachable).</summary>
    public static async Task<(string? Where, string? Failure)> VerifyDatabaseAsync(string connection, CancellationToken ct)
    {
        try
        {
            await using var probe = await PecDatabaseProbe.OpenAsync(connection, ct);
            return (probe.Where, null);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return (null, (ex as PostgresException)?.SqlState ?? Localized.Text("unreachable", "inacessível"));
        }
    }

    /// <summary>The site the token belongs to, asked of the backend through <paramref name="proxy"/> (a few quick retries).</summary>
    public async Task<SiteLookup> LearnSiteAsync(string? proxy, CancellationToken ct)
    {
        using var backend = new BackendClient(options.Endpoint, new UploadConfig { MaxAttempts = 3, FirstRetryDelaySeconds = 1, AttemptTimeoutSeconds = 30, Proxy = proxy });
        try
        {
            var catalog = await backend.GetListsAsync(options.Token, ct);
            return catalog.Site is { } site
                ? new SiteLookup(site, catalog.Lists.Count)
                : new SiteLookup(null, 0, Error: "the backend did not say which site the token belongs to", Proxy: backend.ProxyText);
        }
        catch (BackendAuthException)
        {
            return new SiteLookup(null, 0, TokenRefused: true);
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
        {
            return new SiteLookup(null, 0, Error: ex.Message, Proxy: backend.ProxyText);
        }
    }

    /// <summary>The config (the existing one updated, or a new one) saved readable only by the account that runs the job; Changed when written.</summary>
    public (UploaderConfig Config, bool Changed) WriteConfig(UploaderConfig? existing, string connection, string site, string? proxy, string signingKey, List<string>? releaseKeys = null)
    {
        var config = existing ?? new UploaderConfig();
        config.Endpoint = options.Endpoint;
        config.Database.ConnectionString = connection;
        config.SpoolDirectory = options.SpoolDirectory ?? existing?.SpoolDirectory ?? DefaultPaths.SpoolDirectory;
        config.LogDirectory = options.LogDirectory ?? existing?.LogDirectory ?? DefaultPaths.LogDirectory;
        config.Sites = [.. config.Sites.Where(s => s.Ibge != site), new SiteConfig { Ibge = site, Token = options.Token }];
        config.Sites.Sort((a, b) => string.CompareOrdinal(a.Ibge, b.Ibge));
        // Scheduled runs get no locale from cron or systemd: they speak the language the installer spoke.
        config.Language = Localized.FromOperatingSystem is { } language ? Localized.Tag(language) : existing?.Language;
        // Cron, systemd and the SYSTEM account start the job without this session's proxy: it goes in the config.
        config.Upload.Proxy = proxy;
        // Only definitions signed by the operator's key run here: the key is pinned now and kept by later re-runs.
        config.ListSigningKey = signingKey;
        // Releases of the uploader itself install only when signed by these (docs/adr/0027); kept by later re-runs.
        config.ReleaseSigningKeys = releaseKeys ?? existing?.ReleaseSigningKeys ?? [];
        return (config, ConfigFile.Save(options.ConfigPath, config));
    }

    /// <summary>The daily run at the site's own minute in the window, so hundreds of sites never fire together.</summary>
    public ScheduledJob Job(string site) => new(
        options.ExecutablePath ?? OwnExecutable(),
        Path.GetFullPath(options.ConfigPath),
        ScheduleTime.For(site, options.WindowStart ?? new TimeOnly(1, 0), TimeSpan.FromHours(options.WindowHours)),
        // Windows runs the task as SYSTEM (a service account: no password stored); Linux as the installing user.
        options.RunAsUser ?? (OperatingSystem.IsWindows() ? @"NT AUTHORITY\SYSTEM" : Environment.UserName));

    /// <summary>Registers <paramref name="job"/>: where (for the report), or why it could not.</summary>
    public (string? Registered, string? Failure) Register(ScheduledJob job)
    {
        try
        {
            return (scheduler.Register(job), null);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or IOException or UnauthorizedAccessException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>Set by the launcher for the release it starts: the launcher's own path, the one scheduled (docs/adr/0027).</summary>
    public const string LauncherVariable = "PEC_UPLOADER_LAUNCHER";

    /// <summary>
    /// The program the schedule must start: the launcher that started this release (docs/adr/0027), this executable, or, when launched as "dotnet uploader.dll", the app host
    /// beside the dll (the schedule cannot rely on a PATH that finds dotnet).
    /// </summary>
    public static string OwnExecutable()
    {
        // A release started by the launcher schedules (and checks the schedule of) the launcher, never its versions/ copy.
        if (Environment.GetEnvironmentVariable(LauncherVariable) is { Length: > 0 } launcher)
        {
            return launcher;
        }

        var process = Environment.ProcessPath ?? "uploader";
        if (!Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return process;
        }

        var appHost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "uploader.exe" : "uploader");
        return File.Exists(appHost) ? appHost : process;
    }
}
