using System.Globalization;
using System.Text.Json.Nodes;

namespace Repository.Tests.Preflight;

/// <summary>
/// The platform's constraints a deployment of bicep/ must meet, checked on the compiled ARM template before anything
/// reaches Azure (issue 24 item 5). Each constraint names where it comes from; when the platform changes, change the
/// table and its source together. The template is checked with its parameters' values (the parameters file's, else the
/// defaults) and again with each value a parameter declares as allowed, minimum or maximum, so an @allowed entry or a
/// bound the platform refuses is caught too. A value the check cannot evaluate before deploying is itself a finding:
/// keep checked values out of reference()/uniqueString() expressions.
/// </summary>
public static class AzurePreflight
{
    // ---- Flex Consumption ---------------------------------------------------------------------------------------------

    // The lowest and highest maximumInstanceCount: 40 outside a few preview regions (Azure/azure-functions-host#10523;
    // MicrosoftDocs/azure-docs#128255), and the Az.Functions Flex stack data (Azure/azure-powershell,
    // src/Functions/Functions.Autorest/custom/FunctionsStackFlexData/EastAsia/custom.json: FC1 maximumInstanceCount
    // lowestMaximumInstanceCount 40, highestMaximumInstanceCount 1000).
    public const int FlexLowestMaximumInstanceCount = 40;
    public const int FlexHighestMaximumInstanceCount = 1000;

    // instanceMemoryMB sizes of FC1 (same stack data: 512, 2048 (default), 4096).
    public static readonly IReadOnlySet<long> FlexInstanceMemoryMB = new HashSet<long> { 512, 2048, 4096 };

    // Runtime name → versions Flex offers, where known (same stack data: the custom handler is name 'custom', version '1.0').
    public static readonly IReadOnlyDictionary<string, string[]> FlexRuntimeVersions = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["custom"] = ["1.0"],
    };

    // App settings Flex Consumption deprecates ("Flex Consumption plan deprecations",
    // https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations;
    // MicrosoftDocs/azure-docs articles/azure-functions/functions-app-settings.md): their job moved to
    // functionAppConfig (runtime, scaleAndConcurrency, deployment) or does not exist on Flex.
    public static readonly IReadOnlySet<string> FlexRejectedAppSettings = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "ENABLE_ORYX_BUILD",
        "FUNCTIONS_EXTENSION_VERSION",
        "FUNCTIONS_WORKER_RUNTIME",
        "FUNCTIONS_WORKER_RUNTIME_VERSION",
        "FUNCTIONS_MAX_HTTP_CONCURRENCY",
        "FUNCTIONS_WORKER_PROCESS_COUNT",
        "FUNCTIONS_WORKER_DYNAMIC_CONCURRENCY_ENABLED",
        "SCM_DO_BUILD_DURING_DEPLOYMENT",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTOVERVNET",
        "WEBSITE_CONTENTSHARE",
        "WEBSITE_DNS_SERVER",
        "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
        "WEBSITE_NODE_DEFAULT_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
        "WEBSITE_VNET_ROUTE_ALL",
    };

    // Site properties the same table deprecates on Flex (checked in properties and properties.siteConfig).
    public static readonly IReadOnlySet<string> FlexRejectedSiteProperties = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "alwaysOn", "containerSize", "ftpsState", "isReserved", "isXenon", "javaVersion", "linuxFxVersion",
        "netFrameworkVersion", "powerShellVersion", "functionAppScaleLimit", "preWarmedInstanceCount",
        "use32BitWorkerProcess", "vnetBackupRestoreEnabled", "vnetContentShareEnabled", "vnetImagePullEnabled",
        "vnetRouteAllEnabled", "windowsFxVersion",
    };

    // ---- PostgreSQL Flexible Server -----------------------------------------------------------------------------------

    // API version → the ServerVersion enum it documents (Azure/azure-rest-api-specs,
    // specification/postgresql/resource-manager/Microsoft.DBforPostgreSQL/PostgreSQL/stable/2024-08-01/FlexibleServers.json,
    // definitions.ServerVersion: 16, 15, 14, 13, 12, 11; 17 appears only under later API versions, azure-notes §8).
    public static readonly IReadOnlyDictionary<string, string[]> PostgresVersionsByApi = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["2024-08-01"] = ["11", "12", "13", "14", "15", "16"],
    };

    // Server parameter → allowed values on Flexible Server (Azure's own table, not PostgreSQL's: wal_compression is a
    // boolean there, "Allowed values on,off", so lz4/zstd/pglz are refused; MicrosoftDocs/azure-databases-docs
    // articles/postgresql/flexible-server/includes/param-16-write-ahead-log-settings.md).
    // The built-in PgBouncer's switches (https://learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer;
    // MicrosoftDocs/azure-databases-docs articles/postgresql/server-parameters/param-pgbouncer.md): pgbouncer.enabled
    // "true, false", pgbouncer.pool_mode "session, transaction, statement".
    public static readonly IReadOnlyDictionary<string, string[]> PostgresParameterValues = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase)
    {
        ["wal_compression"] = ["on", "off"],
        ["pgbouncer.enabled"] = ["true", "false"],
        ["pgbouncer.pool_mode"] = ["session", "transaction", "statement"],
    };

    // Numeric server parameters → Azure's allowed range (same PgBouncer table: default_pool_size 1-4950,
    // max_client_conn 1-50000, min_pool_size 0-4950, max_prepared_statements 0-5000).
    public static readonly IReadOnlyDictionary<string, (long Min, long Max)> PostgresParameterRanges = new Dictionary<string, (long Min, long Max)>(StringComparer.OrdinalIgnoreCase)
    {
        ["pgbouncer.default_pool_size"] = (1, 4950),
        ["pgbouncer.max_client_conn"] = (1, 50000),
        ["pgbouncer.min_pool_size"] = (0, 4950),
        ["pgbouncer.max_prepared_statements"] = (0, 5000),
    };

    // Tiers whose servers have the built-in PgBouncer: pgbouncer.enabled "is only visible when the server is running on
    // General Purpose or Memory Optimized tiers. In Burstable tier, it is hidden and PgBouncer is not supported or
    // available" (param-pgbouncer; concepts-pgbouncer: "supported on General Purpose and Memory Optimized compute tiers").
    public static readonly IReadOnlySet<string> PgBouncerTiers = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "GeneralPurpose", "MemoryOptimized" };

    // ---- Role definitions ---------------------------------------------------------------------------------------------

    // Built-in role name → id (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles, the storage,
    // monitor and general pages). A role assignment's description starts with the role's name ("<role>: why").
    public static readonly IReadOnlyDictionary<string, string> BuiltInRoles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Owner"] = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
        ["Contributor"] = "b24988ac-6180-42a0-ab88-20f7382dd24c",
        ["Reader"] = "acdd72a7-3385-48ef-bd42-f606fba81ae7",
        ["Storage Blob Data Owner"] = "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
        ["Storage Blob Data Contributor"] = "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
        ["Storage Queue Data Contributor"] = "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
        ["Storage Table Data Contributor"] = "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
        ["Monitoring Metrics Publisher"] = "3913510d-42f4-4e42-8a64-420c390055eb",
    };

    /// <summary>Every finding for the template, as deployed with the given parameters file (or the defaults) and with each
    /// allowed/minimum/maximum value of its top-level parameters; empty when it passes.</summary>
    public static IReadOnlyList<string> Check(JsonObject template, JsonObject? parametersFile = null)
    {
        var findings = new List<string>();
        var baseline = ArmEvaluator.ParameterValues(template, parametersFile);
        var asDeployed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (label, values) in Scenarios(template, baseline))
        {
            foreach (var finding in Check(ArmEvaluator.Resources(template, values)))
            {
                if (label.Length == 0)
                {
                    asDeployed.Add(finding);
                    findings.Add(finding);
                }
                else if (!asDeployed.Contains(finding)) // only what the alternative value adds
                {
                    findings.Add($"{finding} [with {label}]");
                }
            }
        }

        return findings;
    }

    /// <summary>The findings for already evaluated resources.</summary>
    public static IEnumerable<string> Check(IReadOnlyList<DeployedResource> resources) =>
        FlexScale(resources)
            .Concat(FlexSettings(resources))
            .Concat(PostgresVersion(resources))
            .Concat(PostgresParameters(resources))
            .Concat(PgBouncerTier(resources))
            .Concat(RoleDefinitions(resources));

    public static IEnumerable<string> FlexScale(IReadOnlyList<DeployedResource> resources)
    {
        foreach (var site in FlexSites(resources))
        {
            var config = site.Body["properties"].At("functionAppConfig")!;
            var scale = config["scaleAndConcurrency"];
            if (Number(scale.At("maximumInstanceCount"), out var max, out var why))
            {
                if (max is < FlexLowestMaximumInstanceCount or > FlexHighestMaximumInstanceCount)
                {
                    yield return $"{site}: maximumInstanceCount is {max}; Flex Consumption accepts {FlexLowestMaximumInstanceCount}–{FlexHighestMaximumInstanceCount} (Azure/azure-functions-host#10523, Az.Functions Flex stack data)";
                }
            }
            else
            {
                yield return $"{site}: maximumInstanceCount {why}";
            }

            if (Number(scale.At("instanceMemoryMB"), out var memory, out why))
            {
                if (!FlexInstanceMemoryMB.Contains(memory))
                {
                    yield return $"{site}: instanceMemoryMB is {memory}; Flex Consumption offers {string.Join(", ", FlexInstanceMemoryMB.Order())} (Az.Functions Flex stack data)";
                }
            }
            else
            {
                yield return $"{site}: instanceMemoryMB {why}";
            }

            var runtime = config["runtime"];
            var name = ArmEvaluator.Describe(runtime.At("name"));
            var version = ArmEvaluator.Describe(runtime.At("version"));
            if (ArmEvaluator.IsUnresolved(runtime.At("name")) || ArmEvaluator.IsUnresolved(runtime.At("version")))
            {
                yield return $"{site}: functionAppConfig.runtime cannot be checked before deploying ({name} {version})";
            }
            else if (FlexRuntimeVersions.TryGetValue(name, out var versions) && !versions.Contains(version, StringComparer.Ordinal))
            {
                yield return $"{site}: runtime {name} version {version}; Flex offers {string.Join(", ", versions)} (Az.Functions Flex stack data)";
            }
        }
    }

    public static IEnumerable<string> FlexSettings(IReadOnlyList<DeployedResource> resources)
    {
        var sites = FlexSites(resources).ToList();
        if (sites.Count == 0)
        {
            yield break;
        }

        var docs = "(Flex Consumption plan deprecations, learn.microsoft.com/azure/azure-functions/functions-app-settings)";
        foreach (var site in sites)
        {
            var properties = site.Body["properties"] as JsonObject;
            var siteConfig = properties.At("siteConfig") as JsonObject;
            foreach (var key in (properties?.Select(kv => kv.Key) ?? []).Concat(siteConfig?.Select(kv => kv.Key) ?? []))
            {
                if (FlexRejectedSiteProperties.Contains(key))
                {
                    yield return $"{site}: site property {key} is not valid on Flex Consumption {docs}";
                }
            }

            foreach (var setting in (siteConfig.At("appSettings") as JsonArray ?? []).Select(s => ArmEvaluator.Describe(s.At("name"))))
            {
                if (FlexRejectedAppSettings.Contains(setting))
                {
                    yield return $"{site}: app setting {setting} is rejected on Flex Consumption {docs}";
                }
            }
        }

        // Microsoft.Web/sites/config 'appsettings': the template holds a Flex site, so its settings are Flex's.
        foreach (var config in resources.Where(r => Is(r, "Microsoft.Web/sites/config") && r.Name.EndsWith("appsettings", StringComparison.OrdinalIgnoreCase)))
        {
            if (config.Body["properties"] is not JsonObject settings)
            {
                yield return $"{config}: its settings cannot be checked before deploying ({ArmEvaluator.Describe(config.Body["properties"])})";
                continue;
            }

            foreach (var (name, _) in settings)
            {
                if (FlexRejectedAppSettings.Contains(name))
                {
                    yield return $"{config}: app setting {name} is rejected on Flex Consumption {docs}";
                }
            }
        }
    }

    public static IEnumerable<string> PostgresVersion(IReadOnlyList<DeployedResource> resources)
    {
        foreach (var server in resources.Where(r => Is(r, "Microsoft.DBforPostgreSQL/flexibleServers")))
        {
            var version = server.Body["properties"].At("version");
            if (!PostgresVersionsByApi.TryGetValue(server.ApiVersion, out var versions))
            {
                yield return $"{server}: no list of the PostgreSQL versions API {server.ApiVersion} accepts; add it to {nameof(PostgresVersionsByApi)} with its source (azure-rest-api-specs, definitions.ServerVersion)";
            }
            else if (ArmEvaluator.IsUnresolved(version) || version is null)
            {
                yield return $"{server}: PostgreSQL version cannot be checked before deploying ({ArmEvaluator.Describe(version)})";
            }
            else if (!versions.Contains(ArmEvaluator.Describe(version), StringComparer.Ordinal))
            {
                yield return $"{server}: PostgreSQL version '{ArmEvaluator.Describe(version)}' is not one API {server.ApiVersion} accepts ({string.Join(", ", versions)}; azure-rest-api-specs FlexibleServers.json ServerVersion)";
            }
        }
    }

    public static IEnumerable<string> PostgresParameters(IReadOnlyList<DeployedResource> resources)
    {
        foreach (var configuration in resources.Where(r => Is(r, "Microsoft.DBforPostgreSQL/flexibleServers/configurations")))
        {
            var name = configuration.Name.Split('/')[^1];
            if (ArmEvaluator.IsUnresolved(JsonValue.Create(name)))
            {
                yield return $"{configuration}: the server parameter's name cannot be checked before deploying";
                continue;
            }

            var value = configuration.Body["properties"].At("value");
            if (PostgresParameterValues.TryGetValue(name, out var allowed)
                && (ArmEvaluator.IsUnresolved(value) || !allowed.Contains(ArmEvaluator.Describe(value), StringComparer.OrdinalIgnoreCase)))
            {
                yield return $"{configuration}: {name} = '{ArmEvaluator.Describe(value)}'; Flexible Server accepts {string.Join(", ", allowed)} (Azure's server parameter table)";
            }

            if (PostgresParameterRanges.TryGetValue(name, out var range)
                && (ArmEvaluator.IsUnresolved(value) || !long.TryParse(ArmEvaluator.Describe(value), NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < range.Min || number > range.Max))
            {
                yield return $"{configuration}: {name} = '{ArmEvaluator.Describe(value)}'; Flexible Server accepts {range.Min}–{range.Max} (Azure's server parameter table)";
            }
        }
    }

    /// <summary>A pgbouncer.* parameter (other than pgbouncer.enabled = false) on a server whose tier has no PgBouncer.</summary>
    public static IEnumerable<string> PgBouncerTier(IReadOnlyList<DeployedResource> resources)
    {
        var servers = resources.Where(r => Is(r, "Microsoft.DBforPostgreSQL/flexibleServers")).ToList();
        foreach (var configuration in resources.Where(r => Is(r, "Microsoft.DBforPostgreSQL/flexibleServers/configurations")))
        {
            var name = configuration.Name.Split('/')[^1];
            var value = ArmEvaluator.Describe(configuration.Body["properties"].At("value"));
            if (!name.StartsWith("pgbouncer.", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("pgbouncer.enabled", StringComparison.OrdinalIgnoreCase) && value.Equals("false", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            // Its server: the one of that name, or the template's only server (names often hold uniqueString()).
            var parent = configuration.Name[..configuration.Name.LastIndexOf('/')];
            var server = servers.FirstOrDefault(s => s.Name == parent) ?? (servers.Count == 1 ? servers[0] : null);
            var tier = server?.Body["sku"].At("tier");
            if (server is null || tier is null || ArmEvaluator.IsUnresolved(tier))
            {
                yield return $"{configuration}: the tier of its server cannot be checked before deploying (PgBouncer exists only on {string.Join(", ", PgBouncerTiers)})";
            }
            else if (!PgBouncerTiers.Contains(ArmEvaluator.Describe(tier)))
            {
                yield return $"{configuration}: {name} on a {ArmEvaluator.Describe(tier)} server; the built-in PgBouncer exists only on {string.Join(", ", PgBouncerTiers)} (learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer)";
            }
        }
    }

    public static IEnumerable<string> RoleDefinitions(IReadOnlyList<DeployedResource> resources)
    {
        foreach (var assignment in resources.Where(r => Is(r, "Microsoft.Authorization/roleAssignments")))
        {
            var properties = assignment.Body["properties"];
            var id = ArmEvaluator.Describe(properties.At("roleDefinitionId"));
            var description = ArmEvaluator.Describe(properties.At("description"));
            var role = description.Split(':')[0].Trim();
            if (ArmEvaluator.IsUnresolved(properties.At("roleDefinitionId")))
            {
                yield return $"{assignment}: roleDefinitionId cannot be checked before deploying ({id})";
            }
            else if (!BuiltInRoles.TryGetValue(role, out var expected))
            {
                yield return $"{assignment}: its description must start with the built-in role's name ('<role>: why'), one of {string.Join(", ", BuiltInRoles.Keys)}; it is '{description}'";
            }
            else if (!id.EndsWith($"/{expected}", StringComparison.OrdinalIgnoreCase))
            {
                yield return $"{assignment}: roleDefinitionId {id} is not '{role}' ({expected}; learn.microsoft.com/azure/role-based-access-control/built-in-roles)";
            }
        }
    }

    private static IEnumerable<DeployedResource> FlexSites(IReadOnlyList<DeployedResource> resources) =>
        resources.Where(r => Is(r, "Microsoft.Web/sites") && r.Body["properties"].At("functionAppConfig") is JsonObject);

    private static bool Is(DeployedResource r, string type) => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase);

    private static bool Number(JsonNode? node, out long value, out string why)
    {
        value = 0;
        why = string.Empty;
        if (node is null)
        {
            why = "is missing";
            return false;
        }

        if (ArmEvaluator.IsUnresolved(node))
        {
            why = $"cannot be checked before deploying ({ArmEvaluator.Describe(node)})";
            return false;
        }

        if (node is JsonValue v && v.TryGetValue<long>(out value))
        {
            return true;
        }

        why = $"is not a number ({node.ToJsonString()})";
        return false;
    }

    // The parameters as deployed, then one parameter at a time at each of its declared allowed values and bounds.
    private static IEnumerable<(string Label, IReadOnlyDictionary<string, JsonNode?> Values)> Scenarios(JsonObject template, Dictionary<string, JsonNode?> baseline)
    {
        yield return (string.Empty, baseline);
        foreach (var (name, declaration) in template["parameters"] as JsonObject ?? [])
        {
            if (declaration is not JsonObject d || baseline.ContainsKey(name))
            {
                continue; // a value the parameters file sets is the one deployed
            }

            var alternatives = (d["allowedValues"] as JsonArray ?? []).Select(v => v?.DeepClone()).ToList();
            foreach (var bound in new[] { "minValue", "maxValue" })
            {
                if (d[bound] is JsonNode b)
                {
                    alternatives.Add(b.DeepClone());
                }
            }

            foreach (var alternative in alternatives)
            {
                if (JsonNode.DeepEquals(alternative, d["defaultValue"]))
                {
                    continue;
                }

                var values = new Dictionary<string, JsonNode?>(baseline, StringComparer.OrdinalIgnoreCase) { [name] = alternative };
                yield return (string.Create(CultureInfo.InvariantCulture, $"{name} = {ArmEvaluator.Describe(alternative)}"), values);
            }
        }
    }
}
