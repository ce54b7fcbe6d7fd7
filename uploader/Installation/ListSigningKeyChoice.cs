using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Installation;

/// <summary>Which list-signing key install pins, and the line that says so.</summary>
public static class ListSigningKeyChoice
{
    /// <summary>
    /// The list-signing key to pin (base64 SubjectPublicKeyInfo) and what to say of it: <paramref name="given"/>
    /// (--list-signing-key: base64, or the path of the PEM file the operator gave), else the one the existing config
    /// pinned. Null with the reason when neither.
    /// </summary>
    public static (string? Key, string Report) Choose(string? given, UploaderConfig? existing)
    {
        if (given is not null)
        {
            try
            {
                var text = File.Exists(given) ? File.ReadAllText(given) : given;
                var key = ListDefinitionSignature.ReadPublicKey(text);
                var keyId = ListDefinitionSignature.KeyId(key);
                var replaced = existing?.PinnedListSigningKeys() is [var old, ..] && !old.AsSpan().SequenceEqual(key);
                return (Convert.ToBase64String(key), replaced
                    ? Localized.Text($"ok    list-signing key {keyId} pinned, replacing {ListDefinitionSignature.KeyId(existing!.PinnedListSigningKeys()[0])} (--list-signing-key)", $"ok    chave de assinatura das listas {keyId} registrada, no lugar de {ListDefinitionSignature.KeyId(existing!.PinnedListSigningKeys()[0])} (--list-signing-key)")
                    : Localized.Text($"ok    list-signing key {keyId} pinned: only list definitions it signed will run", $"ok    chave de assinatura das listas {keyId} registrada: só rodam as definições de listas assinadas por ela"));
            }
            catch (Exception ex) when (ex is FormatException or IOException or UnauthorizedAccessException)
            {
                return (null, Localized.Text(
                    $"FAIL  --list-signing-key must be the operator's public key: the base64 text or the path of its .pem file ({ex.Message})",
                    $"FALHA --list-signing-key deve ser a chave pública do operador: o texto base64 ou o caminho do arquivo .pem ({ex.Message})"));
            }
        }

        if (existing?.PinnedListSigningKeys() is [var pinned, ..])
        {
            return (Convert.ToBase64String(pinned), Localized.Text(
                $"ok    list-signing key {ListDefinitionSignature.KeyId(pinned)} kept (listSigningKey in the config; --list-signing-key replaces it)",
                $"ok    chave de assinatura das listas {ListDefinitionSignature.KeyId(pinned)} mantida (listSigningKey na configuração; --list-signing-key a substitui)"));
        }

        return (null, Localized.Text(
            "FAIL  --list-signing-key is required: the operator's public key (base64 or a .pem file), which list definitions must be signed with to run here",
            "FALHA --list-signing-key é obrigatória: a chave pública do operador (base64 ou um arquivo .pem), com a qual as definições de listas precisam estar assinadas para rodar aqui"));
    }
}
