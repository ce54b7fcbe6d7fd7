using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// Publish-time check of a definition's signature against the backend's configured key (<see cref="ListSigningOptions"/>).
/// It checks the definition as it will be served: validated and normalised, so a signature made by <c>lists sign</c>
/// (which signs the normalised form) verifies, and one over the operator's raw spelling (<c>int4</c>) does not.
/// </summary>
public static class ListSignatureCheck
{
    /// <summary>Null when the definition may be published; otherwise why not, in words an operator can act on.</summary>
    public static string? Problem(ListDefinition normalized, byte[]? publicKey)
    {
        if (publicKey is null)
        {
            return null;
        }

        var keyId = ListDefinitionSignature.KeyId(publicKey);
        var served = normalized.ToDto();
        if (served.SignatureV3 is not null || ListDefinitionSignature.IsBeyondV2(served))
        {
            // v3 covers every field; a definition that uses masks, a cursor, another source… is signed v3 only (ADR 0022),
            // a plain one v1 + v2 + v3, and then its v1 and v2 are checked below too (uploaders before 0.3 verify them).
            if (!ListDefinitionSignature.VerifyV3(served, publicKey))
            {
                return $"the v3 signature of list {normalized.Name} v{normalized.Version} is missing or does not verify with key {keyId}: " +
                    "a definition that uses masks, a cursor, another source, a schedule or views is signed v3, over exactly what is published. Sign this exact file again with 'lists sign'.";
            }

            if (ListDefinitionSignature.IsBeyondV2(served))
            {
                return null;
            }
        }

        if (normalized.Signature is null)
        {
            return $"list {normalized.Name} v{normalized.Version} is not signed; this backend only publishes definitions signed by key {keyId}. " +
                "Sign it offline with 'lists sign --file <definition> --private-key <key.pem>' and publish the signed file.";
        }

        if (!ListDefinitionSignature.Verify(served, publicKey) || (served.SignatureV2 is not null && !ListDefinitionSignature.VerifyV2(served, publicKey)))
        {
            return $"the signature of list {normalized.Name} v{normalized.Version} does not verify with key {keyId}: " +
                "the definition changed after it was signed, or it was signed with another key. Sign this exact file again with 'lists sign'.";
        }

        // Undated (signed by an older 'lists sign') is published: uploaders before 0.2 run it; later ones report it as
        // definition-undated until it is signed again (docs/adr/0019-list-definition-replay-and-rotation.md).
        return null;
    }
}
