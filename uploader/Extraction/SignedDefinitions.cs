using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Which list definitions may run: those whose operator signature verifies with the key pinned at install. Checked
/// before any SQL runs, on fresh and cached definitions alike; a refused one is named (list, version, key id), never shown.
/// </summary>
public sealed class SignedDefinitions(byte[] pinnedKey)
{
    public string KeyId { get; } = ListDefinitionSignature.KeyId(pinnedKey);

    public (IReadOnlyList<ListDefinitionDto> Verified, IReadOnlyList<RefusedDefinition> Refused) Check(IEnumerable<ListDefinitionDto> definitions)
    {
        var verified = new List<ListDefinitionDto>();
        var refused = new List<RefusedDefinition>();
        foreach (var definition in definitions)
        {
            if (definition.Signature is null)
            {
                refused.Add(new RefusedDefinition(definition.Name, definition.Version, DefinitionCodes.NotSigned, KeyId));
            }
            else if (!ListDefinitionSignature.Verify(definition, pinnedKey))
            {
                refused.Add(new RefusedDefinition(definition.Name, definition.Version, DefinitionCodes.BadSignature, KeyId));
            }
            else
            {
                verified.Add(definition);
            }
        }

        return (verified, refused);
    }
}
