using System.Security.Claims;
using PecLists.Contracts;
using PecLists.Functions.Http;
using PecLists.Functions.Lists;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Operations;

/// <summary>Operator API under /api/v1/admin (operator tokens only): sites, tokens, list definitions, fleet, replay.</summary>
public static class AdminEndpoints
{
    public sealed record NewSite(string Ibge, string Name);

    /// <summary>A list definition to publish: the members of <see cref="ListDefinitionDto"/> (ADR 0022's parts included), its description, and whether to activate it.</summary>
    public sealed record NewList(
        string Name,
        int Version,
        string? Description,
        string? Sql,
        List<ListColumnDto> Columns,
        List<string> Key,
        bool Activate = true,
        string? Signature = null,
        DateTimeOffset? SignedAt = null,
        string? SignatureV2 = null,
        string? Mode = null,
        ListSourceDto? Source = null,
        IncrementalDto? Incremental = null,
        ScheduleDto? Schedule = null,
        List<DerivedViewDto>? Views = null,
        string? SignatureV3 = null)
    {
        public ListDefinition ToDefinition() => new(
            Name ?? string.Empty, Version, Description ?? string.Empty, (Sql ?? string.Empty).Trim(), Columns ?? [], Key ?? [], Signature, SignedAt, SignatureV2,
            Mode, Source, Incremental, Schedule, Views, SignatureV3);
    }

    /// <summary>A published version: the definition as sites are served it (validated, normalised, with its signatures) and whether it is active.</summary>
    public sealed record PublishedList(string Name, int Version, bool Active, ListDefinitionDto Definition);

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup(string.Empty).RequireAuthorization(SiteAuthorization.AdminPolicy);
        admin.ProducesProblem(401).ProducesProblem(403);
        admin.MapPost(ApiRoutes.AdminReplay, ReplayEndpoint.HandleAsync).WithName("Replay").Produces<ReplayReport>().ProducesProblem(400);

        admin.MapGet(ApiRoutes.AdminSites, async (SiteAdministration sites, CancellationToken ct) => TypedResults.Ok(await sites.ListAsync(ct)))
            .WithName("ListSites");
        admin.MapPost(ApiRoutes.AdminSites, async (NewSite site, SiteAdministration sites, ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (!IbgeCode.IsValid(site.Ibge) || string.IsNullOrWhiteSpace(site.Name) || site.Name.Length > 200)
                {
                    return Problems.Result(400, ProblemCodes.BadSite, "Bad site", "'ibge' must be the 7-digit IBGE code and 'name' 1–200 characters.");
                }

                await sites.AddAsync(site.Ibge, site.Name.Trim(), user.Operator(), ct);
                return TypedResults.Created(ApiRoutes.AdminSitePath(site.Ibge), site);
            })
            .WithName("AddSite").ProducesProblem(400);
        admin.MapPost(ApiRoutes.AdminSiteTokens, async (string ibge, TokenAdministration tokens, ClaimsPrincipal user, CancellationToken ct) =>
            {
                Guid tokenId;
                string token;
                try
                {
                    // The issue checks the site exists (one indexed lookup), no need to list every site first.
                    (tokenId, token) = await tokens.IssueSiteTokenAsync(ibge, user.Operator(), ct);
                }
                catch (InvalidOperationException)
                {
                    return Problems.Result(404, ProblemCodes.UnknownSite, "Unknown site", "Add the site first.");
                }

                return TypedResults.Created(ApiRoutes.AdminTokenPath(tokenId), new { tokenId, token, site = ibge });
            })
            .WithName("IssueToken").ProducesProblem(404);
        admin.MapDelete(ApiRoutes.AdminToken, async (string tokenId, TokenAdministration tokens, ClaimsPrincipal user, CancellationToken ct) =>
                Guid.TryParse(tokenId, out var id) && await tokens.RevokeSiteTokenAsync(id, user.Operator(), ct)
                    ? Results.NoContent()
                    : Problems.Result(404, ProblemCodes.UnknownToken, "Unknown token", "No live token with that id."))
            .WithName("RevokeToken").ProducesProblem(404);
        admin.MapGet(ApiRoutes.AdminOperatorTokens, async (TokenAdministration tokens, CancellationToken ct) => TypedResults.Ok(await tokens.ListOperatorTokensAsync(ct)))
            .WithName("ListOperatorTokens");
        admin.MapDelete(ApiRoutes.AdminOperatorToken, async (string tokenId, TokenAdministration tokens, ClaimsPrincipal user, CancellationToken ct) =>
                Guid.TryParse(tokenId, out var id) && await tokens.RevokeOperatorTokenAsync(id, user.Operator(), ct)
                    ? Results.NoContent()
                    : Problems.Result(404, ProblemCodes.UnknownToken, "Unknown token", "No live operator token with that id."))
            .WithName("RevokeOperatorToken").ProducesProblem(404);

        admin.MapGet(ApiRoutes.AdminLists, async (ListPublishing lists, CancellationToken ct) => TypedResults.Ok(await lists.HistoryAsync(ct)))
            .WithName("ListVersions");
        admin.MapPost(ApiRoutes.AdminLists, async (NewList list, ListPublishing lists, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var definition = list.ToDefinition();
                var outcome = await lists.PublishAsync(definition, list.Activate, user.Operator(), ct);
                if (outcome.Verdict != ListPublishVerdict.Published)
                {
                    return Refused(outcome);
                }

                var served = ListDefinitionRules.Normalize(definition).ToDto();
                return TypedResults.Created(ApiRoutes.AdminListVersionPath(definition.Name, definition.Version), new PublishedList(definition.Name, definition.Version, list.Activate, served));
            })
            .WithName("PublishList").Produces<PublishedList>(StatusCodes.Status201Created).ProducesProblem(400).ProducesProblem(409);
        admin.MapPost(ApiRoutes.AdminListActivate, async (string name, int version, ListPublishing lists, ClaimsPrincipal user, CancellationToken ct) =>
                await lists.ActivateAsync(name, version, user.Operator(), ct) is { Verdict: not ListPublishVerdict.Published } outcome ? Refused(outcome) : Results.NoContent())
            .WithName("ActivateList").ProducesProblem(404).ProducesProblem(400).ProducesProblem(409);

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

    /// <summary>
    /// A refused publish or activation as problem+json: <c>code</c> says which kind of refusal, and the
    /// <see cref="PublishCodes.ProblemMember"/> array every rule broken with its <see cref="PublishCodes"/> code.
    /// </summary>
    private static IResult Refused(ListPublishOutcome outcome)
    {
        var (status, code, title) = outcome.Verdict switch
        {
            ListPublishVerdict.BadSignature => (400, ProblemCodes.BadListSignature, "List definition signature does not verify"),
            ListPublishVerdict.Conflict => (409, ProblemCodes.ListVersionConflict, "List version conflicts with the stored versions or other lists"),
            ListPublishVerdict.UnknownVersion => (404, ProblemCodes.UnknownList, "Unknown list version"),
            _ => (400, ProblemCodes.BadListDefinition, "List definition is not valid"),
        };
        var problem = Problems.Create(status, code, title, outcome.Verdict == ListPublishVerdict.UnknownVersion ? "Publish that version first." : outcome.Detail);
        problem.Extensions[PublishCodes.ProblemMember] = outcome.Refusals.Select(r => new PublishRefusalDto(r.Code, r.Message)).ToArray();
        return TypedResults.Problem(problem);
    }
}
