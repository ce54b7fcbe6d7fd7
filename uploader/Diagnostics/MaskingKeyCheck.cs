using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// Every verified list that hashes a column needs the fleet's masking key in the config, as <c>run</c> does (without it
/// that list is not extracted). Added only when a list hashes; shows the key's id, never the key.
/// </summary>
public static class MaskingKeyCheck
{
    private const string Name = "masking-key";

    public static void Check(List<DoctorCheck> checks, UploaderConfig config, IReadOnlyList<ListDefinitionDto> verified)
    {
        var hashing = verified.Where(ListMasks.NeedKey).Select(l => l.Name).ToList();
        if (hashing.Count == 0)
        {
            return;
        }

        var names = string.Join(", ", hashing);
        if (config.ReadMaskingKey() is { } key)
        {
            checks.Add(DoctorCheck.Pass(Name, FailureCategories.Config, Localized.Text(
                $"masking key {key.Id} configured for the lists that hash columns: {names}",
                $"chave de mascaramento {key.Id} configurada para as listas que mascaram colunas por hash: {names}")));
            return;
        }

        checks.Add(DoctorCheck.Fail(Name, FailureCategories.Config,
            Localized.Text(
                $"these lists hash columns and the config has no 'maskingKey', so they are not extracted: {names}",
                $"estas listas mascaram colunas por hash e a configuração não tem 'maskingKey', por isso não são extraídas: {names}"),
            Localized.Text(
                "Ask the operator for the fleet's masking key and add it to the config as \"maskingKey\": {\"id\": \"…\", \"key\": \"…\"} (README, \"Masking personal data\").",
                "Peça ao operador a chave de mascaramento da rede e inclua-a na configuração como \"maskingKey\": {\"id\": \"…\", \"key\": \"…\"} (README, \"Masking personal data\")."),
            FailureCategories.Config));
    }
}
