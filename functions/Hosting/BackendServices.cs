using PecLists.Functions.Data;
using PecLists.Functions.Http;
using PecLists.Functions.Ingest;
using PecLists.Functions.Lists;
using PecLists.Functions.Loading;
using PecLists.Functions.Operations;
using PecLists.Functions.Releases;
using PecLists.Functions.Sites;
using PecLists.Functions.Snapshots;
using PecLists.Functions.Storage;
using PecLists.Functions.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PecLists.Functions.Hosting;

/// <summary>The backend's services, composed once: the server and the operator commands both start from here.</summary>
public static class BackendServices
{
    /// <summary>
    /// Settings are bound once and checked at start-up (a bad value stops the app naming the setting); nothing here
    /// connects to anything: the database and storage are reached on first use, so the app starts while they are down.
    /// </summary>
    public static IServiceCollection AddBackendServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(configuration);
        services.AddValidatedSettings<IngestOptions>(configuration, IngestOptions.Section);
        services.AddValidatedSettings<SiteTokenOptions>(configuration, SiteTokenOptions.Section);
        services.AddValidatedSettings<SnapshotStorageOptions>(configuration, SnapshotStorageOptions.Section);
        services.AddValidatedSettings<LoadQueueOptions>(configuration, LoadQueueOptions.Section);
        services.AddValidatedSettings<DependencyUnavailableOptions>(configuration, DependencyUnavailableOptions.Section);
        services.AddValidatedSettings<LoadOptions>(configuration, LoadOptions.Section);
        services.AddSingleton<IValidateOptions<LoadOptions>>(new LoadTimeoutsValidator(AppContext.BaseDirectory));
        services.AddValidatedSettings<SweeperOptions>(configuration, SweeperOptions.Section);
        services.AddValidatedSettings<RetentionOptions>(configuration, RetentionOptions.Section);
        services.AddValidatedSettings<FleetOptions>(configuration, FleetOptions.Section);
        services.AddValidatedSettings<ListSigningOptions>(configuration, ListSigningOptions.Section);
        services.AddValidatedSettings<ReleaseOptions>(configuration, ReleaseOptions.Section);
        services.AddSingleton(TimeProvider.System);
        services.AddPipelineTelemetry(configuration);
        services.AddCentralDatabase(configuration, sp => sp.GetRequiredService<IOptions<LoadOptions>>().Value.TempBuffersMB);
        services.AddIngestStorage(configuration);
        services.AddSingleton<LoadQueue>();
        services.AddSingleton<ListCatalog>();
        services.AddSingleton<SnapshotLedger>();
        services.AddSingleton<ListCursors>();
        services.AddSingleton<SpoolSpace>();
        services.AddSingleton<SnapshotIngestor>();
        services.AddSingleton<UploadSessions>();
        services.AddSingleton<UnchangedDeliveries>();
        services.AddSingleton<SnapshotLoader>();
        services.AddSingleton<ReceivedSweeper>();
        services.AddSingleton<Retention>();
        services.AddSingleton<Replayer>();
        services.AddSingleton<ReplayAdministration>();
        services.AddSingleton<HeldSnapshots>();
        services.AddSingleton<HealthReporter>();
        services.AddSingleton<SiteAdministration>();
        services.AddSingleton<TokenAdministration>();
        services.AddSingleton<ListPublishing>();
        services.AddSingleton<ReleaseStore>();
        services.AddSingleton<ReleaseCatalog>();
        services.AddSingleton<ReleasePublisher>();
        services.AddSingleton<ReleaseRollouts>();
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestBodyHandler>();
        services.AddExceptionHandler<DependencyUnavailableHandler>();
        services.AddIngestRateLimits();
        services.AddOpenApi();
        services.AddHttpClient();
        services.AddSiteTokenAuthentication();
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngestOptions>>((kestrel, ingest) => KestrelLimits.Apply(kestrel, ingest.Value));
        return services;
    }
}
