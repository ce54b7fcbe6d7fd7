using System.Diagnostics.CodeAnalysis;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Config;

/// <summary>
/// Which backend addresses the uploader talks to: https://, or http:// to this machine only (localhost, 127.0.0.0/8,
/// ::1: the tests and the demo). Over http to anywhere else the site token and the lists' personal data would travel in clear.
/// </summary>
public static class EndpointRule
{
    /// <summary>An absolute http(s) address (whatever its host).</summary>
    public static bool IsHttpAddress(string? endpoint, [NotNullWhen(true)] out Uri? uri) =>
        Uri.TryCreate(endpoint, UriKind.Absolute, out uri) && uri.Scheme is "https" or "http";

    /// <summary>https://, or http:// to a loopback host.</summary>
    public static bool IsSecure(Uri uri) => uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri));

    public static bool IsLoopback(Uri uri) =>
        string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && System.Net.IPAddress.IsLoopback(address));

    /// <summary>Why an http:// address to another machine is refused (<paramref name="name"/>: the setting or option that holds it).</summary>
    public static string ClearTextRefused(string name) => Localized.Text(
        $"{name} must be the backend's https:// address, not http://: the site token and the lists' personal data would travel in clear (http:// only to this machine: localhost, 127.0.0.1, ::1)",
        $"{name} deve ser o endereço https:// do servidor central, não http://: o token do município e os dados pessoais das listas trafegariam sem criptografia (http:// só para esta máquina: localhost, 127.0.0.1, ::1)");
}
