using System.Security.Cryptography;
using System.Text.Json;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Snapshots;

namespace PecLists.Functions.Ingest;

/// <summary>GET endpoints for sites: snapshot status (own site only), the list definitions (with ETag) and a list's acknowledged cursor (own site only).</summary>
public static class ReadEndpoints
{
    public static async Task<IResult> SnapshotStatusAsync(HttpContext context, string site, string snapshotIdText, SnapshotLedger ledger)
    {
        if (!Guid.TryParseExact(snapshotIdText, "D", out var snapshotId))
        {
            return Problems.Result(400, ProblemCodes.BadSnapshotId, "Bad snapshot id", "The snapshot id must be a UUID.");
        }

        var status = await ledger.ReadStatusAsync(snapshotId, context.RequestAborted);

        // Another site's snapshot is answered exactly like a missing one: ids of other sites are not disclosed.
        if (status is null || status.Site != site)
        {
            return Problems.Result(404, ProblemCodes.UnknownSnapshot, "Unknown snapshot", "No snapshot with this id was received from this site.");
        }

        return TypedResults.Ok(status);
    }

    /// <summary>
    /// The calling site's acknowledged cursor of an active list (docs/adr/0022-list-definitions-beyond-one-query.md):
    /// the site comes from its token, so no other site's cursor can be asked for. All null when nothing was acknowledged.
    /// </summary>
    public static async Task<IResult> ListCursorAsync(HttpContext context, string site, string list, ListCatalog catalog, ListCursors cursors)
    {
        if (!ListDefinitionRules.ListName().IsMatch(list) || await catalog.FindAsync(list, context.RequestAborted) is null)
        {
            return Problems.Result(404, ProblemCodes.UnknownList, "Unknown list", "This list is not defined or not active on the server.");
        }

        return TypedResults.Ok(await cursors.ReadAsync(site, list, context.RequestAborted));
    }

    public static async Task<IResult> ListDefinitionsAsync(HttpContext context, string site, ListCatalog catalog)
    {
        var active = await catalog.GetActiveAsync(context.RequestAborted);
        var body = new ListCatalogDto(active.Values.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => l.ToDto()).ToList(), site);
        var json = JsonSerializer.SerializeToUtf8Bytes(body, ContractsJsonContext.Default.ListCatalogDto);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(json))[..32]}\"";
        context.Response.Headers.ETag = etag;
        if (context.Request.Headers.IfNoneMatch.Any(v => v == etag))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }

        return TypedResults.Bytes(json, "application/json");
    }
}
