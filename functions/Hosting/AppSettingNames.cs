using System.Diagnostics.CodeAnalysis;
using System.Reflection;
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

namespace PecLists.Functions.Hosting;

/// <summary>
/// The one catalog of the app settings the code reads, in their environment form ('__' for ':', as Azure sets them).
/// Bicep is checked against it (tests/Functions.Tests/Hosting/AppSettingsContractTests.cs): every setting Bicep sets is
/// read here or by the Functions host, and every setting in <see cref="RequiredInAzure"/> is set by Bicep. An options
/// section is listed by its bindable properties, so a new option joins the catalog by itself.
/// </summary>
public static class AppSettingNames
{
    /// <summary>The storage connection string (locally; Azurite).</summary>
    public const string IngestStorage = IngestStorageOptions.Section;

    public const string IngestStorageBlobServiceUri = "IngestStorage__blobServiceUri";
    public const string IngestStorageQueueServiceUri = "IngestStorage__queueServiceUri";
    public const string IngestStorageCredential = "IngestStorage__credential";
    public const string IngestStorageClientId = "IngestStorage__clientId";

    public const string CentralConnection = "ConnectionStrings__" + CentralDatabase.ConnectionName;

    /// <summary>Telemetry (read by functions/Telemetry/TelemetryServices.cs; the Functions host reads it too).</summary>
    public const string AppInsightsConnectionString = TelemetryServices.ConnectionStringSetting;

    /// <summary>Entra-authenticated telemetry: <c>ClientId=&lt;identity client id&gt;;Authorization=AAD</c>.</summary>
    public const string AppInsightsAuthenticationString = TelemetryServices.AuthenticationSetting;

    /// <summary>An OpenTelemetry collector, when one is used instead of (or besides) App Insights.</summary>
    public const string OtlpEndpoint = TelemetryServices.OtlpEndpointSetting;

    /// <summary>Set by the Functions host itself (the loopback port to bind); never by a deployment.</summary>
    public const string CustomHandlerPort = "FUNCTIONS_CUSTOMHANDLER_PORT";

    /// <summary>Every setting the code reads (names compare case-insensitively, as configuration keys do).</summary>
    public static IReadOnlySet<string> ReadByCode { get; } = BuildCatalog();

    /// <summary>What the app cannot run in Azure without: identity-based storage, the database signed in by Entra, telemetry.</summary>
    public static IReadOnlyList<string> RequiredInAzure { get; } =
    [
        IngestStorageBlobServiceUri,
        IngestStorageQueueServiceUri,
        IngestStorageCredential,
        IngestStorageClientId,
        CentralConnection,
        Key(DatabaseOptions.Section, nameof(DatabaseOptions.Authentication)),
        Key(DatabaseOptions.Section, nameof(DatabaseOptions.ClientId)),
        Key(DatabaseOptions.Section, nameof(DatabaseOptions.TransactionPooling)),
        AppInsightsConnectionString,
        AppInsightsAuthenticationString,
    ];

    /// <summary>The environment form of a section's setting: Section__Name.</summary>
    public static string Key(string section, string name) => $"{section}__{name}";

    private static HashSet<string> BuildCatalog()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            IngestStorage,
            IngestStorageBlobServiceUri,
            IngestStorageQueueServiceUri,
            IngestStorageCredential,
            IngestStorageClientId,
            CentralConnection,
            AppInsightsConnectionString,
            AppInsightsAuthenticationString,
            OtlpEndpoint,
            CustomHandlerPort,
        };
        names.UnionWith(Section<IngestOptions>(IngestOptions.Section));
        names.UnionWith(Section<SiteTokenOptions>(SiteTokenOptions.Section));
        names.UnionWith(Section<SnapshotStorageOptions>(SnapshotStorageOptions.Section));
        names.UnionWith(Section<LoadQueueOptions>(LoadQueueOptions.Section));
        names.UnionWith(Section<DependencyUnavailableOptions>(DependencyUnavailableOptions.Section));
        names.UnionWith(Section<LoadOptions>(LoadOptions.Section));
        names.UnionWith(Section<SweeperOptions>(SweeperOptions.Section));
        names.UnionWith(Section<RetentionOptions>(RetentionOptions.Section));
        names.UnionWith(Section<FleetOptions>(FleetOptions.Section));
        names.UnionWith(Section<ListSigningOptions>(ListSigningOptions.Section));
        names.UnionWith(Section<ReleaseOptions>(ReleaseOptions.Section));
        names.UnionWith(Section<DatabaseOptions>(DatabaseOptions.Section));
        return names;
    }

    // What the configuration binder binds: public properties with a public setter.
    private static IEnumerable<string> Section<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] T>(string section) =>
        typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true })
            .Select(p => Key(section, p.Name));
}
