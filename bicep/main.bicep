// PEC Lists in Azure: one resource group holding the ingest function app (Flex Consumption, custom handler), its
// storage, the central PostgreSQL and monitoring. Everything signs in with one user-assigned identity; no keys, no
// passwords. Deploy: `azd up`, or `az deployment group create -g <rg> -f bicep/main.bicep -p bicep/main.bicepparam`
// (docs/deploy.md). Decisions: docs/adr/0014-azure-deployment-and-identity.md.
targetScope = 'resourceGroup'

@description('Environment name (azd\'s AZURE_ENV_NAME): part of every resource name.')
@minLength(1)
@maxLength(20)
param environmentName string

@description('Azure region for every resource (it must offer Flex Consumption: az functionapp list-flexconsumption-locations).')
param location string = resourceGroup().location

@description('Where alerts are emailed.')
param alertEmail string

@description('Snapshot blobs are deleted this many days after upload (they hold personal data; replay from blobs reaches back this far).')
@minValue(1)
@maxValue(3650)
param snapshotRetentionDays int = 35

@description('Memory of one function app instance (Flex: 512, 2048 or 4096 MB).')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

// Flex Consumption refuses a maximum below 40 outside a few preview regions (Azure/azure-functions-host#10523; the
// Az.Functions Flex stack data, FunctionsStackFlexData/*/custom.json, has lowestMaximumInstanceCount 40 and highest
// 1000), so the floor is the value. The cap applies per function group (HTTP functions together, each other trigger on
// its own: azure-rest-api-specs#45083): see the connection budget below and docs/deploy.md "Sizing".
@description('Most instances per function group (Flex: 40 to 1000; 40 is the platform floor).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('HTTP requests one instance takes at once; matches Ingest:MaxConcurrentUploads (16) so uploads queue at the front door, not in the app.')
param httpPerInstanceConcurrency int = 16

// One core fewer than the server has: in `Bench nation` with the database on two cores, the read probe's p95 was
// 12–19× idle with 2 or 4 loads at once and 1–3.4× with 1 (docs/benchmarks.md, "The read probe against the cap").
// The country's next day at one load is about 2 h of loads (ibid.). Raise it with the SKU: 3 on Standard_D4ds_v5.
@description('Load:MaxConcurrentLoads: loads running against PostgreSQL at once across every instance (ADR 0004); keep it below the server\'s vCores (1 on the shipped Standard_D2ds_v5, 3 on a D4ds_v5).')
@minValue(1)
param maxConcurrentLoads int = 1

@description('Database:MaxPoolSize: connections one instance opens at most.')
@minValue(2)
param databaseMaxPoolSize int = 20

@description('PostgreSQL max_connections (Standard_D2ds_v5 allows up to 859: concepts-limits). The app\'s share is pgBouncerPoolSize, whatever the instance count.')
param postgresMaxConnections int = 250

// The app reaches PostgreSQL through the server's built-in PgBouncer in transaction mode (port 6432; ADR 0020): every
// instance's pool connects to PgBouncer, and PostgreSQL sees only PgBouncer's pool of pgBouncerPoolSize connections.
// Ranges: Azure's PgBouncer server parameters (https://learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer:
// default_pool_size 1–4950, max_client_conn 1–50000; checked by tests/Repository.Tests/PreflightTests.cs).
@description('pgbouncer.default_pool_size: server connections PgBouncer opens for the app (one user and database), at most; all the server ever sees of the app.')
@minValue(1)
@maxValue(4950)
param pgBouncerPoolSize int = 50

@description('pgbouncer.max_client_conn: client connections PgBouncer accepts, at least every function group\'s pools at maximumInstanceCount (CLIENT_CONNECTIONS_AT_MAXIMUM_SCALE).')
@minValue(1)
@maxValue(50000)
param pgBouncerMaxClientConnections int = 5000

@description('Connections kept out of the app\'s budget: Azure\'s own reserved ones (15 on Flexible Server) plus operators\' sessions (migrate, psql, commands).')
param reservedConnections int = 25

// The version must be one the API version of bicep/modules/database.bicep (2024-08-01) accepts: its ServerVersion enum
// is 11–16 (azure-rest-api-specs, specification/postgresql/…/stable/2024-08-01/FlexibleServers.json); 17 appears only
// under later API versions. Pinned by tests/Repository.Tests/PreflightTests.cs.
@description('PostgreSQL major version.')
@allowed([
  '16'
])
param postgresVersion string = '16'

// Built-in PgBouncer exists only on General Purpose and Memory Optimized: "In Burstable tier, it is hidden and PgBouncer
// is not supported or available" (https://learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer,
// pgbouncer.enabled; concepts-pgbouncer: "supported on General Purpose and Memory Optimized compute tiers"). So no
// Burstable SKU: the connection budget depends on PgBouncer (ADR 0020; docs/deploy.md for the cost).
@description('PostgreSQL compute SKU (General Purpose or Memory Optimized: PgBouncer).')
param postgresSkuName string = 'Standard_D2ds_v5'

@description('Tier of postgresSkuName.')
@allowed([
  'GeneralPurpose'
  'MemoryOptimized'
])
param postgresSkuTier string = 'GeneralPurpose'

@description('PostgreSQL storage in GB (auto-grows).')
param postgresStorageGB int = 32

@description('Name of the application database.')
param databaseName string = 'central'

@description('Lists:SigningPublicKey (base64 SPKI of the operator\'s list-signing key); empty: publishing does not check signatures.')
param listSigningPublicKey string = ''

@description('Releases:SigningPublicKeys (base64 SPKI of the operator\'s release-signing key(s), comma-separated; not the list key: docs/adr/0026). \'releases publish\' refuses everything until it is set where it runs.')
param releaseSigningPublicKeys string = ''

@description('Share of the sites reporting a self-update to one release that may fail it or roll it back within a day before the rollout alert fires (0.1 = 10 %).')
param updateFailureShareThreshold string = '0.1'

@description('owner/name of the GitHub repository whose deploy workflow runs migrations as the app identity; empty: none.')
param githubRepository string = ''

@description('GitHub environment of the deploy workflow (the OIDC subject).')
param githubEnvironment string = 'production'

@description('Days Log Analytics keeps logs.')
param logRetentionDays int = 30

// Names: the same as functions/Storage/IngestOptions.cs defaults and functions/function-app/load/function.json.
var snapshotsContainer = 'snapshots'
var loadQueue = 'snapshot-loads'
var deploymentContainer = 'app-package'
// Uploader release binaries (functions/Releases/ReleaseOptions.cs default; docs/adr/0026-uploader-releases-and-rollout.md).
var releasesContainer = 'releases'

var token = toLower(uniqueString(resourceGroup().id, environmentName))
var prefix = 'pec-${environmentName}'
var tags = {
  'azd-env-name': environmentName
  product: 'pec-lists'
}

// Connection budget (README "Connections"; docs/deploy.md "Sizing"; ADR 0020). Flex runs up to maximumInstanceCount
// instances per function group, and the groups are the HTTP functions together plus each other trigger on its own
// (azure-rest-api-specs#45083): here load (queue), sweep-received, retention and fleet-metrics (timers), so 5 groups
// (functions/function-app/*/function.json; tests/Functions.Tests/Loading/InstanceFloorBudgetTests.cs counts them).
//   clients (to PgBouncer) ≤ 5 groups × 40 instances × Database:MaxPoolSize 20 = 4,000 ≤ pgbouncer.max_client_conn 5,000
//   server (PostgreSQL)    ≤ pgbouncer.default_pool_size 50 + reservedConnections 25 = 75 ≤ max_connections 250
// The server side does not depend on the instance count at all; loads take at most Load:MaxConcurrentLoads of
// PgBouncer's pool at once (one transaction each: ADR 0004, 0020), so the pool must leave room for everything else.
var functionGroups = 5
var clientConnectionsAtMaximumScale = functionGroups * maximumInstanceCount * databaseMaxPoolSize
var serverConnectionsAtAnyScale = pgBouncerPoolSize + reservedConnections
var onePoolFits = serverConnectionsAtAnyScale <= postgresMaxConnections && maxConcurrentLoads < pgBouncerPoolSize

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: 'id-${prefix}'
    location: location
    tags: tags
    githubRepository: githubRepository
    githubEnvironment: githubEnvironment
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: 'st${take(replace(environmentName, '-', ''), 9)}${token}'
    location: location
    tags: tags
    snapshotsContainer: snapshotsContainer
    loadQueue: loadQueue
    deploymentContainer: deploymentContainer
    releasesContainer: releasesContainer
    snapshotRetentionDays: snapshotRetentionDays
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    namePrefix: prefix
    location: location
    tags: tags
    alertEmail: alertEmail
    logRetentionDays: logRetentionDays
  }
}

module monitoringContent 'modules/monitoring-content.bicep' = {
  name: 'monitoring-content'
  params: {
    location: location
    appInsightsId: monitoring.outputs.appInsightsId
    actionGroupId: monitoring.outputs.actionGroupId
    tags: tags
    updateFailureShareThreshold: updateFailureShareThreshold
  }
}

module database 'modules/database.bicep' = {
  name: 'database'
  params: {
    name: 'psql-${prefix}-${token}'
    location: location
    tags: tags
    version: postgresVersion
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageGB
    maxConnections: postgresMaxConnections
    pgBouncerPoolSize: pgBouncerPoolSize
    pgBouncerMaxClientConnections: pgBouncerMaxClientConnections
    databaseName: databaseName
    adminPrincipalId: identity.outputs.principalId
    adminPrincipalName: identity.outputs.name
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  params: {
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
    principalId: identity.outputs.principalId
  }
}

// Every app setting, in one place: tests/Functions.Tests/Hosting/AppSettingsContractTests.cs checks each name against
// the settings the code reads (functions/Hosting/AppSettingNames.cs) and the host's own.
var appSettings = union(
  {
    // The Functions host's storage, by identity (https://learn.microsoft.com/azure/azure-functions/functions-reference#connecting-to-host-storage-with-an-identity).
    AzureWebJobsStorage__accountName: storage.outputs.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.outputs.clientId
    // The ingest storage: read by the queue trigger (function.json "connection": "IngestStorage") and by the app.
    IngestStorage__blobServiceUri: storage.outputs.blobEndpoint
    IngestStorage__queueServiceUri: storage.outputs.queueEndpoint
    IngestStorage__credential: 'managedidentity'
    IngestStorage__clientId: identity.outputs.clientId
    Ingest__Container: snapshotsContainer
    Ingest__Queue: loadQueue
    Releases__Container: releasesContainer
    // No password: the app signs in with an Entra token for its identity, whose name is its PostgreSQL role. Port 6432
    // is the server's built-in PgBouncer (transaction mode; ADR 0020), which accepts Entra tokens
    // (https://learn.microsoft.com/azure/postgresql/flexible-server/concepts-pgbouncer).
    ConnectionStrings__Central: 'Host=${database.outputs.host};Port=6432;Database=${database.outputs.databaseName};Username=${identity.outputs.name};SSL Mode=Require'
    Database__Authentication: 'entra'
    Database__TransactionPooling: 'true'
    Database__ClientId: identity.outputs.clientId
    Database__MaxPoolSize: string(databaseMaxPoolSize)
    Load__MaxConcurrentLoads: string(maxConcurrentLoads)
    APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  },
  empty(listSigningPublicKey) ? {} : { Lists__SigningPublicKey: listSigningPublicKey },
  empty(releaseSigningPublicKeys) ? {} : { Releases__SigningPublicKeys: releaseSigningPublicKeys }
)

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  params: {
    name: 'func-${prefix}-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    appSettings: appSettings
  }
  dependsOn: [
    roles
  ]
}

@description('The endpoint the uploaders are installed with (uploader install --endpoint).')
output INGEST_URL string = 'https://${functionApp.outputs.defaultHostName}'
output FUNCTION_APP_NAME string = functionApp.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output DATABASE_HOST string = database.outputs.host
output DATABASE_NAME string = database.outputs.databaseName
@description('PostgreSQL role of the app (and of migrations): the identity\'s name.')
output IDENTITY_NAME string = identity.outputs.name
output IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MAXIMUM_INSTANCE_COUNT int = maximumInstanceCount
@description('False when max_connections cannot hold PgBouncer\'s pool and the reserved connections, or PgBouncer\'s pool cannot hold the load cap with room to spare: lower pgBouncerPoolSize or raise postgresMaxConnections.')
output CONNECTION_BUDGET_OK bool = onePoolFits
@description('Client connections to PgBouncer every function group could open at maximumInstanceCount (groups × instances × Database:MaxPoolSize).')
output CLIENT_CONNECTIONS_AT_MAXIMUM_SCALE int = clientConnectionsAtMaximumScale
@description('Server connections the app and operators can hold, at any instance count (pgbouncer.default_pool_size + reserved).')
output SERVER_CONNECTIONS_AT_ANY_SCALE int = serverConnectionsAtAnyScale
@description('Whether pgbouncer.max_client_conn holds CLIENT_CONNECTIONS_AT_MAXIMUM_SCALE (more instances than that are refused by PgBouncer, not by PostgreSQL).')
output CONNECTION_BUDGET_HOLDS_AT_MAXIMUM_SCALE bool = clientConnectionsAtMaximumScale <= pgBouncerMaxClientConnections && onePoolFits
