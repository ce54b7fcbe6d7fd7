using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Lists;

/// <summary>
/// The operator's actions on list definitions, for the admin API and the commands alike. Publishing validates the
/// definition, checks its signature against Lists:SigningPublicKey, then stores it, its audit row and (when asked) its
/// activation in one transaction (<see cref="ListPublisher"/>); this instance's catalog is refreshed after each change.
/// </summary>
public sealed class ListPublishing(NpgsqlDataSource database, ListCatalog catalog, IOptions<ListSigningOptions> signing)
{
    public async Task<ListPublishOutcome> PublishAsync(ListDefinition definition, bool activate, string actor, CancellationToken ct)
    {
        var errors = ListDefinitionRules.Validate(definition);
        if (errors.Count > 0)
        {
            return new ListPublishOutcome(ListPublishVerdict.Invalid, string.Join("; ", errors));
        }

        if (ListSignatureCheck.Problem(ListDefinitionRules.Normalize(definition), signing.Value.PublicKey) is { } unsigned)
        {
            return new ListPublishOutcome(ListPublishVerdict.BadSignature, unsigned);
        }

        try
        {
            await ListPublisher.PublishAsync(database, definition, activate, actor, ct);
        }
        catch (ListPublishRefusedException refused)
        {
            return new ListPublishOutcome(ListPublishVerdict.Conflict, refused.Message);
        }

        catalog.Invalidate();
        return ListPublishOutcome.Published;
    }

    /// <summary>Makes a published version the active one, audited in the same transaction; false when there is no such version.</summary>
    public async Task<bool> ActivateAsync(string name, int version, string actor, CancellationToken ct)
    {
        var activated = await ListPublisher.ActivateAsync(database, name, version, actor, ct);
        catalog.Invalidate();
        return activated;
    }

    /// <summary>Every published version and which one is active.</summary>
    public Task<IReadOnlyList<ListVersion>> HistoryAsync(CancellationToken ct) => ListPublisher.HistoryAsync(database, ct);
}
