using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Installation;

/// <summary>Which release-signing keys install pins (docs/adr/0027), and the line that says so.</summary>
public static class ReleaseSigningKeyChoice
{
    /// <summary>
    /// The release keys to pin (base64 SubjectPublicKeyInfo) and what to say of them: <paramref name="given"/>
    /// (--release-signing-key, repeatable: base64 or a PEM file's path), else the ones the existing config pinned, else
    /// none (the install then does not update itself: not a failure, an older backend has no releases). Null keys with
    /// the reason when one given is not a key.
    /// </summary>
    public static (List<string>? Keys, string Report) Choose(IReadOnlyList<string>? given, UploaderConfig? existing)
    {
        if (given is { Count: > 0 })
        {
            var keys = new List<string>();
            foreach (var one in given)
            {
                try
                {
                    keys.Add(Convert.ToBase64String(ListDefinitionSignature.ReadPublicKey(File.Exists(one) ? File.ReadAllText(one) : one)));
                }
                catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
                {
                    return (null, Localized.Text(
                        $"FAIL  --release-signing-key must be the operator's release public key: the base64 text or the path of its .pem file ({ex.Message})",
                        $"FALHA --release-signing-key deve ser a chave pública de versões do operador: o texto base64 ou o caminho do arquivo .pem ({ex.Message})"));
                }
            }

            return (keys, Localized.Text(
                $"ok    release key(s) {Ids(keys)} pinned: the uploader installs only new versions of itself they signed",
                $"ok    chave(s) de versões {Ids(keys)} registrada(s): o uploader só instala novas versões de si mesmo assinadas por ela(s)"));
        }

        if (existing?.ReleaseSigningKeys is { Count: > 0 } pinned)
        {
            return (pinned, Localized.Text(
                $"ok    release key(s) {Ids(pinned)} kept (releaseSigningKeys in the config; --release-signing-key replaces them)",
                $"ok    chave(s) de versões {Ids(pinned)} mantida(s) (releaseSigningKeys na configuração; --release-signing-key as substitui)"));
        }

        return ([], Localized.Text(
            "note  no --release-signing-key: this install does not update itself (each new version is installed by hand)",
            "nota  sem --release-signing-key: esta instalação não se atualiza sozinha (cada nova versão é instalada à mão)"));
    }

    private static string Ids(IEnumerable<string> keys) =>
        string.Join(", ", keys.Select(k => ListDefinitionSignature.KeyId(Convert.FromBase64String(k))));
}
