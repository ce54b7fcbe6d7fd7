using PecLists.Contracts;
using PecLists.Uploader.Config;
using PecLists.Uploader.Extraction;
using PecLists.Uploader.Localization;

namespace PecLists.Uploader.Diagnostics;

/// <summary>
/// Every definition the backend serves must be signed by the key pinned at install and be one statement, as for
/// <c>run</c>; only those are EXPLAINed.
/// </summary>
public static class SignatureCheck
{
    private const string Name = "list-signatures";

    public static (IReadOnlyList<ListDefinitionDto> Verified, IReadOnlyList<RefusedDefinition> Refused) Check(List<DoctorCheck> checks, UploaderConfig config, ListCatalogDto lists)
    {
        var highest = Spooling.SpoolState.Load(config.SpoolDirectory).HighestListVersions;
        var signatures = new SignedDefinitions(config.PinnedListSigningKeys(), DateTimeOffset.UtcNow, TimeSpan.FromDays(config.ListDefinitionMaxAgeDays), highest);
        var (verified, refused) = signatures.Check(lists.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
        if (refused.Count == 0)
        {
            checks.Add(DoctorCheck.Pass(Name, FailureCategories.DefinitionSignature, Localized.Text(
                $"{verified.Count} list definition(s) signed by the pinned key {signatures.KeyId}",
                $"{verified.Count} definição(ões) de lista assinada(s) pela chave registrada {signatures.KeyId}")));
            return (verified, refused);
        }

        var names = string.Join(", ", refused.Select(r => $"{r.List} v{r.Version} ({r.Code})"));
        checks.Add(DoctorCheck.Fail(Name, FailureCategories.DefinitionSignature,
            Localized.Text(
                $"not run (not signed by the pinned key {signatures.KeyId}, not one statement, signed too long ago, older than a version already run, or asking for something this uploader version does not know): {names}",
                $"não executada(s) (não assinada(s) pela chave registrada {signatures.KeyId}, com mais de um comando, assinada(s) há tempo demais, mais antiga(s) que uma versão já executada ou pedindo algo que esta versão do uploader não conhece): {names}"),
            Localized.Text(
                "The backend serves a definition this uploader does not run: tell the operator (signing it again with 'lists sign' and publishing it fixes unsigned, undated and expired ones; updating the uploader fixes definition-unsupported). Pin another key (listSigningKeys in the config, or re-run 'uploader install' with the right --list-signing-key only if the operator changed keys).",
                "O servidor central envia uma definição que este uploader não executa: avise o operador (assiná-la de novo com 'lists sign' e publicá-la resolve as sem assinatura, sem data e vencidas; atualizar o uploader resolve definition-unsupported). Registre outra chave (listSigningKeys na configuração, ou execute 'uploader install' com a --list-signing-key certa somente se o operador trocou de chave)."),
            DefinitionCodes.Signature));
        return (verified, refused);
    }
}
