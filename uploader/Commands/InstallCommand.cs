using System.Net;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Discovery;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;
using PecLists.Uploader.Transport;
using Npgsql;

namespace PecLists.Uploader.Commands;

/// <summary>
/// One command, one secret: finds the PEC database, verifies it, learns the site from the token, writes the config
/// (owner-only), registers the daily run at the site's spot in the window, runs doctor (which reports the first
/// heartbeat) and says what it did. Re-running it is safe: the same inputs give the same config and schedule.
/// The proxy this session uses (<paramref name="systemProxy"/>, by default HttpClient.DefaultProxy) is recorded in
/// the config: the scheduled runs start without the installer's HTTPS_PROXY or Windows proxy settings.
/// </summary>
public sealed class InstallCommand(InstallOptions options, TextWriter output, IScheduler scheduler, Func<IReadOnlyList<string>>? installRoots = null, IWebProxy? systemProxy = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var endpointUri) || endpointUri.Scheme is not ("https" or "http"))
        {
            output.WriteLine(Localized.Text(
                "FAIL  --endpoint must be the backend's address as the operator gave it, e.g. https://<app>.azurewebsites.net",
                "FALHA --endpoint deve ser o endereço do servidor central como o operador informou, por exemplo https://<app>.azurewebsites.net"));
            return ExitCodes.Config;
        }

        // 0. The proxy for the scheduled runs: --proxy, else the one this session uses, else the one recorded before.
        if (options.Proxy is { } given && !ProxySetting.IsValid(given))
        {
            output.WriteLine(Localized.Text(
                "FAIL  --proxy must be 'direct' or a proxy's http:// address: http://host:port, or http://user:password@host:port with special characters percent-encoded (@ as %40).",
                "FALHA --proxy deve ser 'direct' ou o endereço http:// de um proxy: http://host:porta, ou http://usuário:senha@host:porta com os caracteres especiais codificados com % (@ como %40)."));
            return ExitCodes.Config;
        }

        var existing = File.Exists(options.ConfigPath) ? TryLoad(options.ConfigPath) : null;
        var (signingKey, keyReport) = ChooseListSigningKey(existing);
        if (signingKey is null)
        {
            output.WriteLine(keyReport);
            return ExitCodes.Config;
        }
        var (proxy, proxyReport) = ChooseProxy(endpointUri, existing?.Upload.Proxy);

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
        using (var backend = new BackendClient(options.Endpoint, new UploadConfig { MaxAttempts = 3, FirstRetryDelaySeconds = 1, AttemptTimeoutSeconds = 30, Proxy = proxy }))
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
                var via = backend.ProxyText is { } through ? Localized.Text($" via proxy {through}", $" pelo proxy {through}") : string.Empty;
                output.WriteLine(Localized.Text(
                    $"FAIL  cannot reach {options.Endpoint}{via}: {ex.Message}. Check the internet connection, firewall and proxy (--proxy URL|direct).",
                    $"FALHA não foi possível acessar {options.Endpoint}{via}: {ex.Message}. Verifique a conexão com a internet, o firewall e o proxy (--proxy URL|direct)."));
                return ExitCodes.Network;
            }
        }

        // 3. The config, readable only by the account that runs the job.
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
        var changed = WriteConfig(options.ConfigPath, config);
        output.WriteLine(changed
            ? Localized.Text($"ok    config written to {options.ConfigPath} (readable by its owner only)", $"ok    configuração gravada em {options.ConfigPath} (legível só pelo dono)")
            : Localized.Text($"ok    config unchanged at {options.ConfigPath} (readable by its owner only)", $"ok    configuração sem alterações em {options.ConfigPath} (legível só pelo dono)"));
        foreach (var line in proxyReport)
        {
            output.WriteLine(line);
        }

        output.WriteLine(keyReport);

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
    /// The list-signing key to pin (base64 SubjectPublicKeyInfo) and what to say of it: --list-signing-key (base64, or the
    /// path of the PEM file the operator gave), else the one the existing config pinned. Null with the reason when neither.
    /// </summary>
    private (string? Key, string Report) ChooseListSigningKey(UploaderConfig? existing)
    {
        if (options.ListSigningKey is { } given)
        {
            try
            {
                var text = File.Exists(given) ? File.ReadAllText(given) : given;
                var key = ListDefinitionSignature.ReadPublicKey(text);
                var keyId = ListDefinitionSignature.KeyId(key);
                var replaced = existing?.ListSigningKeyBytes() is { } old && !old.AsSpan().SequenceEqual(key);
                return (Convert.ToBase64String(key), replaced
                    ? Localized.Text($"ok    list-signing key {keyId} pinned, replacing {ListDefinitionSignature.KeyId(existing!.ListSigningKeyBytes()!)} (--list-signing-key)", $"ok    chave de assinatura das listas {keyId} registrada, no lugar de {ListDefinitionSignature.KeyId(existing!.ListSigningKeyBytes()!)} (--list-signing-key)")
                    : Localized.Text($"ok    list-signing key {keyId} pinned: only list definitions it signed will run", $"ok    chave de assinatura das listas {keyId} registrada: só rodam as definições de listas assinadas por ela"));
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return (null, Localized.Text(
                    $"FAIL  --list-signing-key must be the operator's public key: the base64 text or the path of its .pem file ({ex.Message})",
                    $"FALHA --list-signing-key deve ser a chave pública do operador: o texto base64 ou o caminho do arquivo .pem ({ex.Message})"));
            }
        }

        if (existing?.ListSigningKeyBytes() is { } pinned)
        {
            return (Convert.ToBase64String(pinned), Localized.Text(
                $"ok    list-signing key {ListDefinitionSignature.KeyId(pinned)} kept (listSigningKey in the config; --list-signing-key replaces it)",
                $"ok    chave de assinatura das listas {ListDefinitionSignature.KeyId(pinned)} mantida (listSigningKey na configuração; --list-signing-key a substitui)"));
        }

        return (null, Localized.Text(
            "FAIL  --list-signing-key is required: the operator's public key (base64 or a .pem file), which list definitions must be signed with to run here",
            "FALHA --list-signing-key é obrigatória: a chave pública do operador (base64 ou um arquivo .pem), com a qual as definições de listas precisam estar assinadas para rodar aqui"));
    }

    /// <summary>
    /// The upload.proxy to record, and what to say of it (never its credentials): --proxy when given; else the proxy
    /// this session sends the endpoint through (HTTPS_PROXY, the Windows settings), which the scheduled runs would not
    /// see; else the one the existing config has (so a re-run from a shell without HTTPS_PROXY changes nothing).
    /// </summary>
    private (string? Proxy, List<string> Report) ChooseProxy(Uri endpoint, string? recorded)
    {
        var report = new List<string>();
        if (options.Proxy is { } given)
        {
            report.Add(ProxySetting.IsDirect(given)
                ? Localized.Text("ok    no proxy: the scheduled runs connect directly (--proxy direct)", "ok    sem proxy: as execuções agendadas conectam diretamente (--proxy direct)")
                : Localized.Text($"ok    proxy {ProxySetting.Display(given)} recorded for the scheduled runs (--proxy)", $"ok    proxy {ProxySetting.Display(given)} registrado para as execuções agendadas (--proxy)"));
            return (ProxySetting.IsDirect(given) ? ProxySetting.Direct : given, report);
        }

        var detected = ProxySetting.Detect(systemProxy ?? HttpClient.DefaultProxy, endpoint);
        if (detected is not null && ProxySetting.IsValid(detected))
        {
            report.Add(OperatingSystem.IsWindows()
                ? Localized.Text(
                    $"ok    proxy {ProxySetting.Display(detected)} recorded for the scheduled runs (the task runs as SYSTEM, which does not see this user's proxy settings)",
                    $"ok    proxy {ProxySetting.Display(detected)} registrado para as execuções agendadas (a tarefa roda como SYSTEM, que não enxerga as configurações de proxy deste usuário)")
                : Localized.Text(
                    $"ok    proxy {ProxySetting.Display(detected)} recorded for the scheduled runs (cron and services don't see HTTPS_PROXY)",
                    $"ok    proxy {ProxySetting.Display(detected)} registrado para as execuções agendadas (o cron e os serviços não enxergam o HTTPS_PROXY)"));
            return (detected, report);
        }

        if (detected is not null)
        {
            var shown = new Uri(detected).GetComponents(UriComponents.SchemeAndServer | UriComponents.StrongPort, UriFormat.UriEscaped);
            report.Add(Localized.Text(
                $"warn  this session reaches the endpoint through the proxy {shown}, which cannot be recorded (only http:// proxies can): if the scheduled runs need a proxy, pass --proxy http://host:port",
                $"aviso esta sessão acessa o endereço pelo proxy {shown}, que não pode ser registrado (só proxies http:// podem): se as execuções agendadas precisarem de proxy, informe --proxy http://host:porta"));
        }

        if (recorded is not null && !ProxySetting.IsValid(recorded))
        {
            report.Add(Localized.Text(
                "warn  the existing config's upload.proxy is not valid: left out (the system proxy is used; pass --proxy URL|direct to set one)",
                "aviso o upload.proxy da configuração existente não é válido: foi descartado (vale o proxy do sistema; informe --proxy URL|direct para definir um)"));
            return (null, report);
        }

        if (recorded is not null)
        {
            report.Add(ProxySetting.IsDirect(recorded)
                ? Localized.Text(
                    "ok    no proxy for the scheduled runs, as the config says (upload.proxy \"direct\"; --proxy changes it)",
                    "ok    sem proxy para as execuções agendadas, como diz a configuração (upload.proxy \"direct\"; --proxy o altera)")
                : Localized.Text(
                    $"ok    proxy {ProxySetting.Display(recorded)} kept for the scheduled runs (upload.proxy in the config; --proxy changes it)",
                    $"ok    proxy {ProxySetting.Display(recorded)} mantido para as execuções agendadas (upload.proxy na configuração; --proxy o altera)"));
        }

        return (recorded, report);
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
