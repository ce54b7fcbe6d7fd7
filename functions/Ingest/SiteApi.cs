using PecLists.Contracts;
using PecLists.Functions.Lists;
using PecLists.Functions.Releases;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using Npgsql;

namespace PecLists.Functions.Ingest;

/// <summary>The API sites call under /api/v1 with their token, rate-limited per site: upload (PUT, or session and commit), status, heartbeat, lists, cursors, releases.</summary>
public static class SiteApi
{
    /// <summary>The commit's endpoint name, by which the upload concurrency limit (<see cref="RateLimits"/>) knows it.</summary>
    public const string CommitUploadName = "CommitUpload";

    public static IEndpointRouteBuilder MapSiteApi(this IEndpointRouteBuilder app)
    {
        var v1 = app.MapGroup(string.Empty).RequireAuthorization(SiteAuthorization.SitePolicy).RequireRateLimiting(RateLimits.PerSite);
        v1.MapPut(ApiRoutes.Snapshot,
                (HttpContext context, string list, string snapshotId, SnapshotIngestor ingestor) =>
                    ingestor.PutAsync(context, context.User.Site(), list, snapshotId))
            .AddEndpointFilter<SiteUploadBudget>()
            .WithName("PutSnapshot")
            .Accepts<Stream>(WireNames.CsvMediaType)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(411).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429);
        v1.MapPost(ApiRoutes.UploadSession,
                (HttpContext context, string list, string snapshotId, UploadSessions sessions) =>
                    sessions.OpenAsync(context, context.User.Site(), list, snapshotId))
            .WithName("OpenUploadSession")
            .Accepts<UploadSessionRequestDto>("application/json")
            .Produces<UploadSessionDto>()
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(429);
        v1.MapPost(ApiRoutes.UploadCommit,
                (HttpContext context, string list, string snapshotId, UploadSessions sessions) =>
                    sessions.CommitAsync(context, context.User.Site(), list, snapshotId))
            .AddEndpointFilter<SiteUploadBudget>()
            .WithName(CommitUploadName)
            .Accepts<UploadSessionRequestDto>("application/json")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429);
        v1.MapGet(ApiRoutes.SnapshotStatus,
                (HttpContext context, string snapshotId, SnapshotLedger ledger) =>
                    ReadEndpoints.SnapshotStatusAsync(context, context.User.Site(), snapshotId, ledger))
            .WithName("GetSnapshotStatus")
            .Produces<SnapshotStatusDto>()
            .ProducesProblem(404);
        v1.MapPost(ApiRoutes.Heartbeats,
                (HttpContext context, NpgsqlDataSource database, TimeProvider time, ILoggerFactory loggers) =>
                    HeartbeatEndpoint.HandleAsync(context, context.User.Site(), database, time, loggers.CreateLogger(typeof(HeartbeatEndpoint))))
            .WithName("PostHeartbeat")
            .Accepts<HeartbeatDto>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(429);
        v1.MapGet(ApiRoutes.Lists, (HttpContext context, ListCatalog catalog) => ReadEndpoints.ListDefinitionsAsync(context, context.User.Site(), catalog))
            .WithName("GetListDefinitions")
            .Produces<ListCatalogDto>();
        v1.MapGet(ApiRoutes.ListCursor,
                (HttpContext context, string list, ListCatalog catalog, ListCursors cursors) =>
                    ReadEndpoints.ListCursorAsync(context, context.User.Site(), list, catalog, cursors))
            .WithName("GetListCursor")
            .Produces<ListCursorDto>()
            .ProducesProblem(404);
        v1.MapGet(ApiRoutes.ReleaseManifest,
                (HttpContext context, ReleaseCatalog catalog, TimeProvider time, ILoggerFactory loggers) =>
                    ReleaseEndpoints.ManifestAsync(context, context.User.Site(), catalog, time, loggers.CreateLogger(typeof(ReleaseEndpoints))))
            .WithName("GetReleaseManifest")
            .Produces<ReleaseManifestDto>()
            .ProducesProblem(400).ProducesProblem(404);
        v1.MapGet(ApiRoutes.ReleaseBinary,
                (HttpContext context, string version, string runtime, ReleaseCatalog catalog, ReleaseStore store) =>
                    ReleaseEndpoints.BinaryAsync(context, version, runtime, catalog, store))
            .WithName("GetReleaseBinary")
            .Produces<Stream>(StatusCodes.Status200OK, "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(416);
        return app;
    }
}
