using PecLists.Contracts;

namespace PecLists.Uploader.Extraction;

/// <summary>
/// Which list definitions may run: those whose dated operator signature (v3 when the definition carries one, else v2)
/// verifies with one of the keys pinned at install, signed no longer than <paramref name="maxAge"/> ago, and not older versions than this uploader already ran
/// (<paramref name="highestRun"/>): a definition served again after a newer one (a replay) is refused, and so is one
/// whose SQL is more than one statement (<see cref="SqlStatement"/>). A definition that uses anything v2 does not cover
/// (<see cref="ListDefinitionSignature.IsBeyondV2"/>: a mask, a cursor, another source) runs only with a valid v3; one
/// asking for something this uploader does not know is refused as unsupported (<see cref="DefinitionSupport"/>). Checked before
/// any SQL runs, on fresh and cached definitions alike; a refused one is named (list, version, code, key id), never shown.
/// </summary>
public sealed class SignedDefinitions(
    IReadOnlyList<byte[]> pinnedKeys,
    DateTimeOffset now,
    TimeSpan maxAge,
    IReadOnlyDictionary<string, int>? highestRun = null)
{
    /// <summary>The pinned keys' ids, as messages name them ("a1b2…" or "a1b2…, c3d4…" while a rotation pins two).</summary>
    public string KeyId { get; } = string.Join(", ", pinnedKeys.Select(k => ListDefinitionSignature.KeyId(k)));

    /// <summary>The id a refusal carries: the key that verified it, else the first pinned key.</summary>
    private string FirstKeyId => pinnedKeys.Count == 0 ? new string('0', 16) : ListDefinitionSignature.KeyId(pinnedKeys[0]);

    public (IReadOnlyList<ListDefinitionDto> Verified, IReadOnlyList<RefusedDefinition> Refused) Check(IEnumerable<ListDefinitionDto> definitions)
    {
        var verified = new List<ListDefinitionDto>();
        var refused = new List<RefusedDefinition>();
        foreach (var definition in definitions)
        {
            var (code, keyId) = Refusal(definition);
            if (code is null)
            {
                verified.Add(definition);
            }
            else
            {
                refused.Add(new RefusedDefinition(definition.Name, definition.Version, code, keyId));
            }
        }

        return (verified, refused);
    }

    private (string? Code, string KeyId) Refusal(ListDefinitionDto definition)
    {
        if (definition.Signature is null && definition.SignatureV2 is null && definition.SignatureV3 is null)
        {
            return (DefinitionCodes.NotSigned, FirstKeyId);
        }

        if (definition.SignatureV3 is not null)
        {
            // v3 covers every field: when present it alone decides (a v3 that does not verify is not saved by a v2).
            var v3Key = pinnedKeys.FirstOrDefault(k => ListDefinitionSignature.VerifyV3(definition, k));
            return v3Key is null ? (DefinitionCodes.BadSignature, FirstKeyId) : Runnable(definition, ListDefinitionSignature.KeyId(v3Key));
        }

        if (ListDefinitionSignature.IsBeyondV2(definition))
        {
            // A mask, a cursor, a source… that v1 and v2 do not cover: their signature says nothing about it.
            return (DefinitionCodes.BadSignature, FirstKeyId);
        }

        if (definition.SignatureV2 is null || definition.SignedAt is null)
        {
            // Signed before definitions carried their signing time: only a re-sign makes it runnable here.
            return (pinnedKeys.Any(k => ListDefinitionSignature.Verify(definition, k)) ? DefinitionCodes.Undated : DefinitionCodes.BadSignature, FirstKeyId);
        }

        var key = pinnedKeys.FirstOrDefault(k => ListDefinitionSignature.VerifyV2(definition, k));
        return key is null ? (DefinitionCodes.BadSignature, FirstKeyId) : Runnable(definition, ListDefinitionSignature.KeyId(key));
    }

    /// <summary>The rules after a dated signature verified (v2 or v3): known parts, one statement, not expired, no rollback.</summary>
    private (string? Code, string KeyId) Runnable(ListDefinitionDto definition, string keyId)
    {
        if (!DefinitionSupport.IsSupported(definition))
        {
            // Signed, but asks for something this uploader does not know: running it without that could send clear data.
            return (DefinitionCodes.Unsupported, keyId);
        }

        if (SourceKinds.Of(definition) == SourceKinds.Postgres && !SqlStatement.IsOne(definition.Sql))
        {
            // Signed, but it could end the read-only transaction it runs in and write (docs/adr/0019…, issue 23 item 5).
            return (DefinitionCodes.NotOneStatement, keyId);
        }

        if (now - definition.SignedAt!.Value > maxAge)
        {
            return (DefinitionCodes.Expired, keyId);
        }

        return highestRun is not null && highestRun.TryGetValue(definition.Name, out var highest) && definition.Version < highest
            ? (DefinitionCodes.Rollback, keyId)
            : (null, keyId);
    }
}
