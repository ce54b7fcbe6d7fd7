using System.Net;

namespace PecLists.Uploader.Config;

/// <summary>
/// The "upload.proxy" setting: null for the system's proxy (HTTPS_PROXY / HTTP_PROXY / NO_PROXY on Linux, the user's
/// settings on Windows), "direct" for none, else an http:// proxy address, optionally with "user:password@" in it
/// (percent-encoded). Scheduled runs need it: cron, systemd and the SYSTEM account do not see the installer's proxy.
/// </summary>
public static class ProxySetting
{
    public const string Direct = "direct";

    public static bool IsDirect(string? setting) => string.Equals(setting, Direct, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for null (the system's proxy), "direct", or an http://[user[:password]@]host[:port][/] address.</summary>
    public static bool IsValid(string? setting) => setting is null || IsDirect(setting) || TryParse(setting, out _, out _);

    /// <summary>The proxy's address without its user-info, and the credentials that user-info gives (null without one).</summary>
    public static bool TryParse(string setting, out Uri address, out NetworkCredential? credentials)
    {
        address = null!;
        credentials = null;
        if (!Uri.TryCreate(setting, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttp
            || uri.HostNameType is UriHostNameType.Unknown or UriHostNameType.Basic
            || uri.Host.Length == 0
            || uri.AbsolutePath != "/"
            || uri.Query.Length > 0
            || uri.Fragment.Length > 0)
        {
            return false;
        }

        address = new Uri($"{uri.Scheme}://{uri.Authority}{(uri.IsDefaultPort ? ":80" : string.Empty)}");
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            var user = Uri.UnescapeDataString(parts[0]);
            var password = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : string.Empty;
            // DOMAIN\user, as .NET reads it from HTTPS_PROXY (NTLM proxies on Windows networks want the domain).
            var slash = user.IndexOf('\\', StringComparison.Ordinal);
            credentials = slash > 0
                ? new NetworkCredential(user[(slash + 1)..], password, user[..slash])
                : new NetworkCredential(user, password);
        }

        return true;
    }

    /// <summary>"http://host:port" of a proxy setting, never its credentials; null for the system's proxy or "direct".</summary>
    public static string? Display(string? setting) =>
        setting is not null && TryParse(setting, out var address, out _) ? $"{address.Scheme}://{address.Host}:{address.Port}" : null;

    /// <summary>
    /// Sets <paramref name="handler"/> to honour the setting: the system's proxy left as the handler has it (null),
    /// no proxy at all ("direct"), or this proxy for every request, with its credentials and no local bypass.
    /// </summary>
    public static SocketsHttpHandler Apply(string? setting, SocketsHttpHandler handler)
    {
        if (setting is null)
        {
            return handler;
        }

        if (IsDirect(setting))
        {
            handler.UseProxy = false;
            return handler;
        }

        if (!TryParse(setting, out var address, out var credentials))
        {
            throw new ConfigException(InvalidMessage);
        }

        handler.UseProxy = true;
        handler.Proxy = new WebProxy(address) { Credentials = credentials, BypassProxyOnLocal = false };
        return handler;
    }

    /// <summary>
    /// The proxy <paramref name="system"/> (HttpClient.DefaultProxy: this session's HTTPS_PROXY or Windows settings)
    /// sends <paramref name="endpoint"/> through, as a setting to record ("http://user:password@host:port", its
    /// user-info kept percent-encoded), or null when it goes direct.
    /// </summary>
    public static string? Detect(IWebProxy? system, Uri endpoint)
    {
        if (system is null || system.IsBypassed(endpoint) || system.GetProxy(endpoint) is not { } via || via == endpoint)
        {
            return null;
        }

        return via.GetComponents(UriComponents.Scheme | UriComponents.UserInfo | UriComponents.Host | UriComponents.StrongPort, UriFormat.UriEscaped);
    }

    public static string InvalidMessage => Localization.Localized.Text(
        "'upload.proxy' must be \"direct\" or a proxy's http:// address: http://host:port, or http://user:password@host:port with special characters percent-encoded (@ as %40)",
        "'upload.proxy' deve ser \"direct\" ou o endereço http:// de um proxy: http://host:porta, ou http://usuário:senha@host:porta com os caracteres especiais codificados com % (@ como %40)");
}
