using System.Text.RegularExpressions;

namespace PecLists.Uploader.Transport;

internal static partial class Redact
{
    /// <summary>
    /// The text with the user-info of every URL in it removed: .NET quotes the proxy's address, password included, when
    /// the proxy refuses a tunnel ("The proxy tunnel request to proxy 'http://user:pw@host:3128/' failed …").
    /// </summary>
    /// <remarks>A SAS signature ("sig=…") is cut too, should a message ever quote an upload session's URI.</remarks>
    public static string Credentials(string text) => SasSignature().Replace(UserInfo().Replace(text, "://"), "sig=REDACTED");

    [GeneratedRegex(@"://[^/@\s'""]+@")]
    private static partial Regex UserInfo();

    [GeneratedRegex(@"sig=[^&\s'""]+")]
    private static partial Regex SasSignature();
}
