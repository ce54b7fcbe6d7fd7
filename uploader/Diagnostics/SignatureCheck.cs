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
        var signatures = new SignedDefinitions(config.ListSigningKeyBytes() ?? []);
        var (signed, notSigned) = signatures.Check(lists.Lists.Where(l => config.Lists.Count == 0 || config.Lists.Contains(l.Name)));
        IReadOnlyList<ListDefinitionDto> verified = [.. signed.Where(l => SqlStatement.IsOne(l.Sql))];
        IReadOnlyList<RefusedDefinition> refused =
        [
            .. notSigned,
            .. signed.Where(l => !SqlStatement.IsOne(l.Sql)).Select(l => new RefusedDefinition(l.Name, l.Version, DefinitionCodes.NotOneStatement, signatures.KeyId)),
        ];
        if (refused.Count == 0)
        {
            checks.Add(DoctorCheck.Pass(Name, FailureCategories.DefinitionSignature, Localized.Text(
                $"{verified.Count} list definition(s) signed by the pinned key {signatures.KeyId}",
                $"{verified.Count} definição(ões) de lista assinada(s) pela chave registrada {signatures.KeyId}")));
            return (verified, refused);
        }

        var names = string.Join(", ", refused.Select(r => $"{r.List} v{r.Version}" + (r.Code == DefinitionCodes.NotOneStatement ? $" ({r.Code})" : string.Empty)));
        checks.Add(DoctorCheck.Fail(Name, FailureCategories.DefinitionSignature,
            Localized.Text(
                $"not signed by the pinned key {signatures.KeyId} (or not one statement), so not run: {names}",
                $"não assinada(s) pela chave registrada {signatures.KeyId} (ou com mais de um comando), por isso não executada(s): {names}"),
            Localized.Text(
                "The backend serves a definition not signed by the key pinned at install, or whose SQL is more than one statement: tell the operator. Re-run 'uploader install' with the right --list-signing-key only if the operator changed keys.",
                "O servidor central envia uma definição não assinada pela chave registrada na instalação, ou cujo SQL tem mais de um comando: avise o operador. Execute 'uploader install' com a --list-signing-key certa somente se o operador trocou de chave."),
            DefinitionCodes.Signature));
        return (verified, refused);
    }
}
