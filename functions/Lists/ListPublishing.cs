using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Lists;

/// <summary>
/// The operator's actions on list definitions, for the admin API and the commands alike. Publishing validates the
/// definition, checks its signature against Lists:SigningPublicKey, then stores it, its audit row and (when asked) its
/// activation with its central views in one transaction (<see cref="ListPublisher"/>); this instance's catalog is
/// refreshed after each change. Every refusal names the rules broken, each with its code (<see cref="ListRefusal"/>).
/// </summary>
public sealed class ListPublishing(NpgsqlDataSource database, ListCatalog catalog, IOptions<ListSigningOptions> signing)
{
    public async Task<ListPublishOutcome> PublishAsync(ListDefinition definition, bool activate, string actor, CancellationToken ct)
    {
        var errors = ListDefinitionRules.Check(definition);
        if (errors.Count > 0)
        {
            return ListPublishOutcome.Refused(ListPublishVerdict.Invalid, errors);
        }

        if (ListSignatureCheck.Problem(ListDefinitionRules.Normalize(definition), signing.Value.PublicKey) is { } unsigned)
        {
            return ListPublishOutcome.Refused(ListPublishVerdict.BadSignature, [unsigned]);
        }

        try
        {
            await ListPublisher.PublishAsync(database, definition, activate, actor, ct);
        }
        catch (ListPublishRefusedException refused)
        {
            return ListPublishOutcome.Refused(refused.Verdict, refused.Refusals);
        }

        catalog.Invalidate();
        return ListPublishOutcome.Published;
    }

    /// <summary>
    /// Makes a published version the active one, its views replacing the previous active version's, audited in the same
    /// transaction; <see cref="ListPublishVerdict.UnknownVersion"/> when there is no such version.
    /// </summary>
    public async Task<ListPublishOutcome> ActivateAsync(string name, int version, string actor, CancellationToken ct)
    {
        try
        {
            var activated = await ListPublisher.ActivateAsync(database, name, version, actor, ct);
            catalog.Invalidate();
            return activated ? ListPublishOutcome.Published : new(ListPublishVerdict.UnknownVersion, "No such list version; publish it first.", []);
        }
        catch (ListPublishRefusedException refused)
        {
            return ListPublishOutcome.Refused(refused.Verdict, refused.Refusals);
        }
    }

    /// <summary>Every published version and which one is active.</summary>
    public Task<IReadOnlyList<ListVersion>> HistoryAsync(CancellationToken ct) => ListPublisher.HistoryAsync(database, ct);
}
