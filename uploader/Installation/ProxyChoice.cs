using System.Net;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Installation;

/// <summary>Which upload.proxy install records for the scheduled runs, and the lines that say so.</summary>
public static class ProxyChoice
{
    /// <summary>
    /// The upload.proxy to record, and what to say of it (never its credentials): <paramref name="given"/> (--proxy) when
    /// given; else the proxy this session (<paramref name="sessionProxy"/>) sends the endpoint through (HTTPS_PROXY, the
    /// Windows settings), which the scheduled runs would not see; else the one the existing config has
    /// (<paramref name="recorded"/>, so a re-run from a shell without HTTPS_PROXY changes nothing).
    /// </summary>
    public static (string? Proxy, List<string> Report) Choose(string? given, Uri endpoint, string? recorded, IWebProxy sessionProxy)
    {
        var report = new List<string>();
        if (given is not null)
        {
            report.Add(ProxySetting.IsDirect(given)
                ? Localized.Text("ok    no proxy: the scheduled runs connect directly (--proxy direct)", "ok    sem proxy: as execuções agendadas conectam diretamente (--proxy direct)")
                : Localized.Text($"ok    proxy {ProxySetting.Display(given)} recorded for the scheduled runs (--proxy)", $"ok    proxy {ProxySetting.Display(given)} registrado para as execuções agendadas (--proxy)"));
            return (ProxySetting.IsDirect(given) ? ProxySetting.Direct : given, report);
        }

        var detected = ProxySetting.Detect(sessionProxy, endpoint);
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
}
