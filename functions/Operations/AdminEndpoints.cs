using System.Security.Claims;
using PecLists.Contracts;
using PecLists.Functions.Data;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using Microsoft.Extensions.Options;
using Npgsql;

namespace PecLists.Functions.Operations;

/// <summary>Operator API under /api/v1/admin (operator tokens only): sites, tokens, list definitions, fleet, replay.</summary>
public static class AdminEndpoints
{
    public sealed record NewSite(string Ibge, string Name);

    public sealed record NewList(string Name, int Version, string? Description, string Sql, List<ListColumnDto> Columns, List<string> Key, bool Activate = true, string? Signature = null);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(string.Empty).RequireAuthorization(SiteAuthorization.AdminPolicy);
        admin.ProducesProblem(401).ProducesProblem(403);
        admin.MapPost(ApiRoutes.AdminReplay, ReplayEndpoint.HandleAsync).WithName("Replay").Produces<ReplayReport>().ProducesProblem(400);

        admin.MapGet(ApiRoutes.AdminSites, async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await SiteTokens.ListSitesAsync(db, ct)))
            .WithName("ListSites");
        admin.MapPost(ApiRoutes.AdminSites, async (NewSite site, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!IbgeCode.IsValid(site.Ibge) || string.IsNullOrWhiteSpace(site.Name) || site.Name.Length > 200)
                {
                    return Problems.Result(400, ProblemCodes.BadSite, "Bad site", "'ibge' must be the 7-digit IBGE code and 'name' 1–200 characters.");
                }

                await SiteTokens.AddSiteAsync(db, site.Ibge, site.Name.Trim(), ct);
                await OperatorAudit.RecordAsync(db, user.Operator(), OperatorAudit.SiteAdd, site.Ibge, null, ct);
                return TypedResults.Created(ApiRoutes.AdminSitePath(site.Ibge), site);
            })
            .WithName("AddSite").ProducesProblem(400);
        admin.MapPost(ApiRoutes.AdminSiteTokens, async (string ibge, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                Guid tokenId;
                string token;
                try
                {
                    // IssueAsync checks the site exists (one indexed lookup), no need to list every site first.
                    (tokenId, token) = await SiteTokens.IssueAsync(db, ibge, ct);
                }
                catch (InvalidOperationException)
                {
                    return Problems.Result(404, ProblemCodes.UnknownSite, "Unknown site", "Add the site first.");
                }

                await OperatorAudit.RecordAsync(db, user.Operator(), OperatorAudit.SiteTokenIssue, ibge, new Dictionary<string, object?> { ["tokenId"] = tokenId }, ct);
                return TypedResults.Created(ApiRoutes.AdminTokenPath(tokenId), new { tokenId, token, site = ibge });
            })
            .WithName("IssueToken").ProducesProblem(404);
        admin.MapDelete(ApiRoutes.AdminToken, async (string tokenId, NpgsqlDataSource db, TokenLookupCache tokens, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!Guid.TryParse(tokenId, out var id) || !await SiteTokens.RevokeAsync(db, id, ct))
                {
                    return Problems.Result(404, ProblemCodes.UnknownToken, "Unknown token", "No live token with that id.");
                }

                // Refused on its next request here; other instances forget it within Ingest:TokenCacheSeconds.
                tokens.Clear();

                await OperatorAudit.RecordAsync(db, user.Operator(), OperatorAudit.SiteTokenRevoke, id.ToString("D"), null, ct);
                return Results.NoContent();
            })
            .WithName("RevokeToken").ProducesProblem(404);
        admin.MapGet(ApiRoutes.AdminOperatorTokens, async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await SiteTokens.ListAdminAsync(db, ct)))
            .WithName("ListOperatorTokens");
        admin.MapDelete(ApiRoutes.AdminOperatorToken, async (string tokenId, NpgsqlDataSource db, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!Guid.TryParse(tokenId, out var id) || !await SiteTokens.RevokeAdminAsync(db, id, ct))
                {
                    return Problems.Result(404, ProblemCodes.UnknownToken, "Unknown token", "No live operator token with that id.");
                }

                await OperatorAudit.RecordAsync(db, user.Operator(), OperatorAudit.OperatorTokenRevoke, id.ToString("D"), null, ct);
                return Results.NoContent();
            })
            .WithName("RevokeOperatorToken").ProducesProblem(404);

        admin.MapGet(ApiRoutes.AdminLists, async (NpgsqlDataSource db, CancellationToken ct) => TypedResults.Ok(await ListPublisher.HistoryAsync(db, ct)))
            .WithName("ListVersions");
        admin.MapPost(ApiRoutes.AdminLists, async (NewList list, NpgsqlDataSource db, ListCatalog catalog, IOptions<ListSigningOptions> signing, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var definition = new ListDefinition(list.Name ?? string.Empty, list.Version, list.Description ?? string.Empty, (list.Sql ?? string.Empty).Trim(), list.Columns ?? [], list.Key ?? [], list.Signature);
                var errors = ListDefinitionRules.Validate(definition);
                if (errors.Count > 0)
                {
                    return Problems.Result(400, ProblemCodes.BadListDefinition, "List definition is not valid", string.Join("; ", errors));
                }

                if (ListSignatureCheck.Problem(ListDefinitionRules.Normalize(definition), signing.Value.PublicKey) is { } unsigned)
                {
                    return Problems.Result(400, ProblemCodes.BadListSignature, "List definition signature does not verify", unsigned);
                }

                try
                {
                    await ListPublisher.PublishAsync(db, definition, list.Activate, user.Operator(), ct);
                }
                catch (ListPublishRefusedException refused)
                {
                    return Problems.Result(409, ProblemCodes.ListVersionConflict, "List version conflicts with the stored versions", refused.Message);
                }

                catalog.Invalidate();
                return TypedResults.Created(ApiRoutes.AdminListVersionPath(definition.Name, definition.Version), new { definition.Name, definition.Version, active = list.Activate });
            })
            .WithName("PublishList").ProducesProblem(400).ProducesProblem(409);
        admin.MapPost(ApiRoutes.AdminListActivate, async (string name, int version, NpgsqlDataSource db, ListCatalog catalog, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var activated = await ListPublisher.ActivateAsync(db, name, version, user.Operator(), ct);
                catalog.Invalidate();
                return activated ? Results.NoContent() : Problems.Result(404, ProblemCodes.UnknownList, "Unknown list version", "Publish that version first.");
            })
            .WithName("ActivateList").ProducesProblem(404);

        admin.MapGet(ApiRoutes.AdminHeldSnapshots, async (HeldSnapshots held, CancellationToken ct) => TypedResults.Ok(await held.ListAsync(ct)))
            .WithName("HeldSnapshots");
        admin.MapPost(ApiRoutes.AdminSnapshotDecision, async (string snapshotId, string decision, HeldSnapshots held, ClaimsPrincipal user, CancellationToken ct) =>
                decision is not (HeldSnapshots.Apply or HeldSnapshots.Drop)
                    ? Problems.Result(404, ProblemCodes.NotFound, "Unknown decision", $"POST .../{HeldSnapshots.Apply} or .../{HeldSnapshots.Drop}.")
                    : Guid.TryParse(snapshotId, out var id) && await held.DecideAsync(id, decision, user.Operator(), ct)
                        ? Results.NoContent()
                        : Problems.Result(404, ProblemCodes.NotHeld, "No such held snapshot", "No snapshot with that id is held (unknown, or already applied or dropped)."))
            .WithName("DecideHeldSnapshot").ProducesProblem(404);
        admin.MapGet(ApiRoutes.AdminFleet, async (SnapshotLedger ledger, IOptions<FleetOptions> fleet, TimeProvider time, CancellationToken ct) =>
                TypedResults.Ok(await ledger.ReadFleetAsync(fleet.Value, time.GetUtcNow(), ct)))
            .WithName("Fleet");
        return app;
    }
}
