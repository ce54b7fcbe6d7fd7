using System.Net;
using PecLists.Uploader.Config;
using PecLists.Uploader.Installation;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Scheduling;

namespace PecLists.Uploader.Commands;

/// <summary>
/// <c>install</c>, one command, one secret: goes through the <see cref="Installer"/>'s steps (database, site, config,
/// schedule), says what each did, then runs doctor (which reports the first heartbeat). Re-running it is safe.
/// </summary>
public sealed class InstallCommand(InstallOptions options, TextWriter output, IScheduler scheduler, Func<IReadOnlyList<string>>? installRoots = null, IWebProxy? systemProxy = null)
{
    public async Task<int> ExecuteAsync(CancellationToken ct)
    {
        var installer = new Installer(options, scheduler, installRoots, systemProxy);
        if (!Installer.IsEndpoint(options.Endpoint, out var endpointUri))
        {
            return Fail(ExitCodes.Config, Localized.Text(
                "FAIL  --endpoint must be the backend's address as the operator gave it, e.g. https://<app>.azurewebsites.net",
                "FALHA --endpoint deve ser o endereço do servidor central como o operador informou, por exemplo https://<app>.azurewebsites.net"));
        }

        if (!EndpointRule.IsSecure(endpointUri))
        {
            return Fail(ExitCodes.Config, Localized.Text("FAIL  ", "FALHA ") + EndpointRule.ClearTextRefused("--endpoint") + ".");
        }

        // 0. The proxy for the scheduled runs: --proxy, else the one this session uses, else the one recorded before.
        if (options.Proxy is { } given && !ProxySetting.IsValid(given))
        {
            return Fail(ExitCodes.Config, Localized.Text(
                "FAIL  --proxy must be 'direct' or a proxy's http:// address: http://host:port, or http://user:password@host:port with special characters percent-encoded (@ as %40).",
                "FALHA --proxy deve ser 'direct' ou o endereço http:// de um proxy: http://host:porta, ou http://usuário:senha@host:porta com os caracteres especiais codificados com % (@ como %40)."));
        }

        var existing = installer.LoadExisting();
        var (signingKey, keyReport) = installer.ChooseListSigningKey(existing);
        if (signingKey is null)
        {
            return Fail(ExitCodes.Config, keyReport);
        }

        var (releaseKeys, releaseKeyReport) = installer.ChooseReleaseSigningKeys(existing);
        if (releaseKeys is null)
        {
            return Fail(ExitCodes.Config, releaseKeyReport);
        }

        var (proxy, proxyReport) = installer.ChooseProxy(endpointUri, existing?.Upload.Proxy);

        // 1. The PEC database: flags first, then what the PEC install records.
        var notes = new List<string>();
        var connection = installer.FindDatabase(notes);
        foreach (var note in notes)
        {
            output.WriteLine($"  {note}");
        }

        if (connection is null)
        {
            return Fail(ExitCodes.Config, Localized.Text(
                "Could not find the PEC database settings. Pass --db \"Host=…;Port=5433;Database=esus;Username=esus_leitura;Password=…\".",
                "Não foi possível encontrar os dados de conexão do banco do PEC. Informe --db \"Host=…;Port=5433;Database=esus;Username=esus_leitura;Password=…\"."));
        }

        var (where, reason) = await Installer.VerifyDatabaseAsync(connection, ct);
        if (where is null)
        {
            return Fail(ExitCodes.Database, Localized.Text(
                $"FAIL  cannot connect to the PEC database ({reason}). Is PEC running? Are the user and password right?",
                $"FALHA não foi possível conectar ao banco de dados do PEC ({reason}). O PEC está em execução? O usuário e a senha estão certos?"));
        }

        output.WriteLine(Localized.Text($"ok    PEC database reachable ({where})", $"ok    banco de dados do PEC acessível ({where})"));

        // 2. The site: the token says which municipality this is.
        var lookup = await installer.LearnSiteAsync(proxy, ct);
        if (lookup.TokenRefused)
        {
            return Fail(ExitCodes.Token, Localized.Text(
                "FAIL  the backend refused the token. Check it was copied whole, or ask the operator for a new one.",
                "FALHA o servidor central recusou o token. Confira se ele foi copiado inteiro, ou peça um novo ao operador."));
        }

        if (lookup.Site is not { } site)
        {
            var via = lookup.Proxy is { } through ? Localized.Text($" via proxy {through}", $" pelo proxy {through}") : string.Empty;
            return Fail(ExitCodes.Network, Localized.Text(
                $"FAIL  cannot reach {options.Endpoint}{via}: {lookup.Error}. Check the internet connection, firewall and proxy (--proxy URL|direct).",
                $"FALHA não foi possível acessar {options.Endpoint}{via}: {lookup.Error}. Verifique a conexão com a internet, o firewall e o proxy (--proxy URL|direct)."));
        }

        output.WriteLine(Localized.Text(
            $"ok    token accepted for site {site}; {lookup.ListCount} list(s) to send",
            $"ok    token aceito para o município {site}; {lookup.ListCount} lista(s) a enviar"));

        // 3. The config, readable only by the account that runs the job.
        var (config, changed) = installer.WriteConfig(existing, connection, site, proxy, signingKey, releaseKeys);
        output.WriteLine(changed
            ? Localized.Text($"ok    config written to {options.ConfigPath} (readable by its owner only)", $"ok    configuração gravada em {options.ConfigPath} (legível só pelo dono)")
            : Localized.Text($"ok    config unchanged at {options.ConfigPath} (readable by its owner only)", $"ok    configuração sem alterações em {options.ConfigPath} (legível só pelo dono)"));
        foreach (var line in proxyReport.Append(keyReport).Append(releaseKeyReport))
        {
            output.WriteLine(line);
        }

        // 4. The schedule: the site's own minute in the window.
        var job = installer.Job(site);
        var (registered, failure) = installer.Register(job);
        if (registered is null)
        {
            return Fail(ExitCodes.Config, Localized.Text($"FAIL  could not register the daily run: {failure}", $"FALHA não foi possível agendar a execução diária: {failure}"));
        }

        output.WriteLine(Localized.Text($"ok    daily run at {job.At:HH\\:mm} {registered}", $"ok    execução diária às {job.At:HH\\:mm} {registered}"));

        // 5. Doctor, which also sends the first heartbeat.
        output.WriteLine("doctor:");
        var (doctorExit, _) = await new DoctorCommand(config, output, scheduler.Current).ExecuteAsync(ct);
        output.WriteLine(doctorExit == ExitCodes.Ok
            ? Localized.Text(
                $"Installed. The first run happens at {job.At:HH\\:mm}; to send now: {job.ExecutablePath} run --config {job.ConfigPath}",
                $"Instalado. A primeira execução será às {job.At:HH\\:mm}; para enviar agora: {job.ExecutablePath} run --config {job.ConfigPath}")
            : Localized.Text(
                "Installed, but doctor found problems (above): fix them, then run 'uploader doctor' again.",
                "Instalado, mas o doctor encontrou problemas (acima): corrija-os e execute 'uploader doctor' novamente."));
        return doctorExit;
    }

    private int Fail(int exitCode, string line)
    {
        output.WriteLine(line);
        return exitCode;
    }
}
