using System.Net;
using System.Net.Sockets;
using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;
using PecLists.Uploader.Transport;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// Doctor's checks of the way to the backend: the name resolves (the proxy's, behind one), the health probe answers
/// through TLS and any proxy, the clock agrees with the backend's, and each site's token fetches the list definitions.
/// </summary>
public static class BackendChecks
{
    /// <summary>The checks in order; the list definitions the last accepted token fetched (null when none could be).</summary>
    public static async Task<ListCatalogDto?> CheckAsync(List<DoctorCheck> checks, UploaderConfig config, BackendClient backend, CancellationToken ct)
    {
        var proxySource = config.Upload.Proxy is null
            ? Localized.Text("HTTPS_PROXY / the system proxy settings", "HTTPS_PROXY / as configurações de proxy do sistema")
            : Localized.Text("upload.proxy in the config; 'uploader install --proxy' changes it", "upload.proxy na configuração; 'uploader install --proxy' o altera");
        if (!await CheckDnsAsync(checks, new Uri(config.Endpoint), backend, proxySource, ct) || !await CheckHealthAsync(checks, config.Endpoint, backend, proxySource, ct))
        {
            return null;
        }

        return await CheckTokensAsync(checks, config.Sites, backend, ct);
    }

    /// <summary>Behind a proxy the proxy resolves the endpoint's name (these networks often have no outside DNS): resolve the proxy's.</summary>
    private static async Task<bool> CheckDnsAsync(List<DoctorCheck> checks, Uri endpoint, BackendClient backend, string proxySource, CancellationToken ct)
    {
        var proxy = backend.ProxyText;
        var host = backend.Proxy?.Host ?? endpoint.Host;
        if (IPAddress.TryParse(host, out _))
        {
            if (proxy is not null)
            {
                checks.Add(DoctorCheck.Pass("dns", FailureCategories.Network, $"{endpoint.Host} via proxy {proxy}"));
            }

            return true;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct);
            var list = string.Join(", ", addresses.Take(3).Select(a => a.ToString()));
            checks.Add(DoctorCheck.Pass("dns", FailureCategories.Network, proxy is null
                ? Localized.Text($"{host} resolves to {list}", $"{host} resolve para {list}")
                : Localized.Text($"{endpoint.Host} via proxy {proxy} ({host} resolves to {list})", $"{endpoint.Host} via proxy {proxy} ({host} resolve para {list})")));
            return true;
        }
        catch (SocketException)
        {
            checks.Add(proxy is null
                ? DoctorCheck.Fail("dns", FailureCategories.Network,
                    Localized.Text($"{endpoint.Host} does not resolve", $"o nome {endpoint.Host} não foi encontrado no DNS"),
                    Localized.Text("Check the machine's DNS servers or the proxy settings; try: nslookup ", "Verifique os servidores DNS da máquina ou as configurações de proxy; teste com: nslookup ") + endpoint.Host,
                    "dns")
                : DoctorCheck.Fail("dns", FailureCategories.TlsProxy,
                    Localized.Text($"the proxy's host {host} does not resolve", $"o nome do proxy, {host}, não foi encontrado no DNS"),
                    Localized.Text(
                        $"Check the proxy address {proxy} ({proxySource}) and the machine's DNS servers; try: nslookup {host}",
                        $"Confira o endereço do proxy {proxy} ({proxySource}) e os servidores DNS da máquina; teste com: nslookup {host}"),
                    "proxy"));
            return false;
        }
    }

    /// <summary>The health probe: reachable (else why, and what to fix), the backend's own state, and the clock.</summary>
    private static async Task<bool> CheckHealthAsync(List<DoctorCheck> checks, string endpointText, BackendClient backend, string proxySource, CancellationToken ct)
    {
        var endpoint = new Uri(endpointText);
        var proxy = backend.ProxyText;
        var health = await backend.ProbeAsync(ct);
        if (health.Error is not null)
        {
            var (category, fix, code) = health.Failure switch
            {
                ProbeFailure.Certificate => (FailureCategories.TlsProxy, Localized.Text(
                    "Something between this machine and the backend presents a certificate it does not trust: usually an intercepting (TLS-inspecting) proxy or antivirus. Install its CA certificate in the OS certificate store (or have the endpoint exempted from inspection), and check the date and clock.",
                    "Algo entre esta máquina e o servidor central apresenta um certificado em que ela não confia: geralmente um proxy ou antivírus que inspeciona TLS. Instale o certificado da autoridade (CA) dele no repositório de certificados do sistema (ou peça que o endereço fique fora da inspeção) e confira a data e o relógio."), "tls-certificate"),
                ProbeFailure.ProxyUnreachable => (FailureCategories.TlsProxy, Localized.Text(
                    $"Is the proxy {proxy} running, and is that its right address ({proxySource})?",
                    $"O proxy {proxy} está no ar, e esse é o endereço certo dele ({proxySource})?"), "proxy"),
                ProbeFailure.ProxyRefused => (FailureCategories.TlsProxy, Localized.Text(
                    $"Ask the network administrator to let the proxy {proxy} open HTTPS connections to {endpoint.Host}:{endpoint.Port}, and check the proxy's user and password.",
                    $"Peça ao administrador da rede que o proxy {proxy} permita conexões HTTPS para {endpoint.Host}:{endpoint.Port}, e confira o usuário e a senha do proxy."), "proxy"),
                _ => (health.Failure switch
                    {
                        ProbeFailure.Tls => FailureCategories.TlsProxy,
                        ProbeFailure.Status => FailureCategories.BackendError,
                        _ when backend.Proxy is not null => FailureCategories.TlsProxy,
                        _ => FailureCategories.Network,
                    },
                    Localized.Text(
                        "Check the internet connection, the firewall (HTTPS out to the endpoint) and the system proxy; TLS errors usually mean an intercepting proxy or a wrong clock.",
                        "Verifique a conexão com a internet, o firewall (saída HTTPS para o endereço) e o proxy do sistema; erros de TLS costumam indicar um proxy que intercepta o tráfego ou o relógio errado."), "network"),
            };
            checks.Add(DoctorCheck.Fail("backend", category, Localized.Text($"{endpointText} unreachable: {health.Error}", $"{endpointText} inacessível: {health.Error}"), fix, code));
            return false;
        }

        var via = proxy is null ? string.Empty : $" via proxy {proxy}";
        checks.Add(DoctorCheck.Pass("backend", FailureCategories.Network, Localized.Text($"{endpointText} answers ({health.Status}){via}", $"{endpointText} responde ({health.Status}){via}")));
        if (health.Degraded is { } degraded)
        {
            // Reachable, but the backend says a dependency is down: uploads will be refused or wait; nothing to fix here.
            checks.Add(DoctorCheck.Warn("backend-health", FailureCategories.BackendError,
                Localized.Text($"the backend reports a problem: {degraded}", $"o servidor central informa um problema: {degraded}"),
                Localized.Text("Nothing to change on this machine: runs keep their snapshots and retry. If it lasts, tell the central team.",
                    "Nada a mudar nesta máquina: as execuções guardam os envios e tentam de novo. Se persistir, avise a equipe central."),
                "backend-degraded"));
        }

        if (health.ServerTime is { } serverTime)
        {
            var skew = DateTimeOffset.UtcNow - serverTime;
            checks.Add(skew.Duration() > FailureCategories.MaxClockSkew
                ? DoctorCheck.Fail("clock", FailureCategories.ClockSkew, Localized.Text($"this machine's clock is {skew.TotalMinutes:F0} min off", $"o relógio desta máquina está com {skew.TotalMinutes:F0} min de diferença"), Localized.Text("Set the clock right (enable time synchronisation / NTP).", "Acerte o relógio (ative a sincronização de horário / NTP)."), "clock-skew")
                : DoctorCheck.Pass("clock", FailureCategories.ClockSkew, Localized.Text($"clock within {Math.Abs(skew.TotalSeconds):F0} s of the backend", $"relógio com {Math.Abs(skew.TotalSeconds):F0} s de diferença em relação ao servidor central")));
        }

        return true;
    }

    private static async Task<ListCatalogDto?> CheckTokensAsync(List<DoctorCheck> checks, IEnumerable<SiteConfig> sites, BackendClient backend, CancellationToken ct)
    {
        ListCatalogDto? lists = null;
        foreach (var site in sites)
        {
            try
            {
                lists = await backend.GetListsAsync(site.Token, ct);
                checks.Add(DoctorCheck.Pass("token", FailureCategories.Token, Localized.Text($"site {site.Ibge}: token accepted, {lists.Lists.Count} list(s) to send", $"município {site.Ibge}: token aceito, {lists.Lists.Count} lista(s) a enviar")));
            }
            catch (BackendAuthException)
            {
                checks.Add(DoctorCheck.Fail("token", FailureCategories.Token, Localized.Text($"site {site.Ibge}: the backend refused the token", $"município {site.Ibge}: o servidor central recusou o token"), Localized.Text("Ask the operator for a new token and run 'uploader install --token …' again.", "Peça um novo token ao operador e execute 'uploader install --token …' novamente."), "token"));
            }
            catch (Exception ex) when (ex is HttpRequestException or Polly.Timeout.TimeoutRejectedException or IOException)
            {
                // Not the token's fault: the category (and exit code) is the network's, as run classifies it.
                checks.Add(DoctorCheck.Fail("token", backend.FailureCategoryOf(ex), Localized.Text($"site {site.Ibge}: could not fetch the list definitions", $"município {site.Ibge}: não foi possível obter as definições das listas"), Localized.Text("Retry later; if it persists, check the network.", "Tente novamente mais tarde; se persistir, verifique a rede."), "network"));
            }
        }

        return lists;
    }
}
