using PecLists.Contracts;

namespace PecLists.Functions.Lists;

/// <summary>
/// Publish-time check of a definition's signatures against the backend's configured key (<see cref="ListSigningOptions"/>).
/// It checks the definition as it will be served: validated and normalised, so a signature made by <c>lists sign</c>
/// (which signs the normalised form) verifies, and one over the operator's raw spelling (<c>int4</c>) does not.
/// Every signature present must verify: v1, v2 and (ADR 0022) v3. A definition that uses what only v3 covers
/// (<see cref="ListDefinitionSignature.IsBeyondV2"/>) must be signed v3 and only v3, key or no key: a v1 or v2 signature
/// on it would let an uploader before 0.3 run it while ignoring its masks, cursor or source.
/// </summary>
public static class ListSignatureCheck
{
    /// <summary>Null when the definition may be published; otherwise why not, with its code, in words an operator can act on.</summary>
    public static ListRefusal? Problem(ListDefinition normalized, byte[]? publicKey)
    {
        var served = normalized.ToDto();
        var name = $"list {normalized.Name} v{normalized.Version}";
        var beyondV2 = ListDefinitionSignature.IsBeyondV2(served);
        if (beyondV2 && (served.Signature is not null || served.SignatureV2 is not null))
        {
            return new(
                PublishCodes.SignatureV3Required,
                $"{name} uses parts only a v3 signature covers (source, mode, cursor, schedule, views, a column's field, format or mask), but carries a v1 or v2 signature, " +
                "which uploaders before 0.3 would accept and then run it without those parts. Sign it with today's 'lists sign', which signs such a definition v3 only.");
        }

        if (publicKey is null)
        {
            return null;
        }

        var keyId = ListDefinitionSignature.KeyId(publicKey);
        if (served.Signature is null && served.SignatureV2 is null && served.SignatureV3 is null)
        {
            return new(
                PublishCodes.SignatureMissing,
                $"{name} is not signed; this backend only publishes definitions signed by key {keyId}. " +
                "Sign it offline with 'lists sign --file <definition> --private-key <key.pem>' and publish the signed file.");
        }

        if (beyondV2 && served.SignatureV3 is null)
        {
            return new(
                PublishCodes.SignatureV3Required,
                $"{name} uses parts only a v3 signature covers but has no \"signatureV3\". Sign it with today's 'lists sign'.");
        }

        if ((served.Signature is not null && !ListDefinitionSignature.Verify(served, publicKey))
            || (served.SignatureV2 is not null && !ListDefinitionSignature.VerifyV2(served, publicKey))
            || (served.SignatureV3 is not null && !ListDefinitionSignature.VerifyV3(served, publicKey)))
        {
            return new(
                PublishCodes.SignatureInvalid,
                $"the signature of {name} does not verify with key {keyId}: " +
                "the definition changed after it was signed, or it was signed with another key. Sign this exact file again with 'lists sign'.");
        }

        // Undated (signed by an older 'lists sign') is published: uploaders before 0.2 run it; later ones report it as
        // definition-undated until it is signed again (docs/adr/0019-list-definition-replay-and-rotation.md).
        return null;
    }
}
