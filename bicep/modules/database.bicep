// The central PostgreSQL: Flexible Server with Microsoft Entra authentication only (no passwords anywhere), TLS
// required, and the server parameters the loader relies on. The function app's identity is the Entra administrator and
// so the role that owns the schema (migrations run as it too: docs/adr/0014-azure-deployment-and-identity.md).
// Shapes: https://learn.microsoft.com/azure/templates/microsoft.dbforpostgresql/flexibleservers (API 2024-08-01).

@description('Server name (becomes <name>.postgres.database.azure.com).')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('PostgreSQL major version: one the API version below accepts (2024-08-01: 11–16; 17 only under later API versions).')
@allowed([
  '16'
])
param version string

@description('Compute SKU, e.g. Standard_D2ds_v5 (GeneralPurpose).')
param skuName string

// No Burstable: its servers have no PgBouncer ("In Burstable tier, it is hidden and PgBouncer is not supported or
// available", https://learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer), and the app connects
// through it (ADR 0020).
@description('Tier of the SKU (one with the built-in PgBouncer).')
@allowed([
  'GeneralPurpose'
  'MemoryOptimized'
])
param skuTier string

@description('Storage size in GB (grows on its own).')
param storageSizeGB int

@description('max_connections: the connection budget main.bicep sizes the function app against.')
param maxConnections int

@description('pgbouncer.default_pool_size: server connections PgBouncer opens per user and database (the app has one pair).')
param pgBouncerPoolSize int

@description('pgbouncer.max_client_conn: client connections PgBouncer accepts.')
param pgBouncerMaxClientConnections int

@description('Name of the application database.')
param databaseName string

@description('Object (principal) id of the identity made Entra administrator.')
param adminPrincipalId string

@description('Name of that identity: the PostgreSQL role it signs in as.')
param adminPrincipalName string

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: version
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: tenant().tenantId
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

// Server operations cannot run concurrently, so every child below waits for the one before it.
resource admin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: server
  name: adminPrincipalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: adminPrincipalName
    tenantId: tenant().tenantId
  }
}

// Flex Consumption without a virtual network has no fixed outbound addresses: 0.0.0.0 admits Azure services only.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
  dependsOn: [
    admin
  ]
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [
    allowAzure
  ]
}

// What the loader relies on (README "Connections" and "Timeouts"; docs/benchmarks.md "Storm" for wal_compression).
// Through PgBouncer no startup option reaches the server: these are the sessions' values, and a load sets its own
// timeouts per transaction (SET LOCAL) on top.
var parameters = [
  {
    name: 'require_secure_transport'
    value: 'on'
  }
  {
    name: 'max_connections'
    value: string(maxConnections)
  }
  // pglz ('on', Azure's default too): Azure allows pglz, lz4, on and off, not zstd (MicrosoftDocs/azure-databases-docs,
  // articles/postgresql/server-parameters/includes/param-16-write-ahead-log-settings.md). Side by side on the next day
  // of `Bench nation`, lz4 wrote 6 % more WAL than pglz and zstd 13 % less (docs/benchmarks.md, "Nation").
  {
    name: 'wal_compression'
    value: 'on'
  }
  {
    name: 'tcp_keepalives_idle'
    value: '30'
  }
  {
    name: 'tcp_keepalives_interval'
    value: '10'
  }
  {
    name: 'tcp_keepalives_count'
    value: '3'
  }
  {
    name: 'idle_in_transaction_session_timeout'
    value: '120000'
  }
  // The built-in PgBouncer on port 6432, in transaction mode: the app's connections (every instance of every function
  // group) are its clients, and only its pool reaches PostgreSQL (ADR 0020). Names and values: Azure's PgBouncer server
  // parameters (https://learn.microsoft.com/azure/postgresql/flexible-server/param-pgbouncer; pool_mode session,
  // transaction or statement). Dynamic: no restart.
  {
    name: 'pgbouncer.enabled'
    value: 'true'
  }
  {
    name: 'pgbouncer.pool_mode'
    value: 'transaction'
  }
  {
    name: 'pgbouncer.default_pool_size'
    value: string(pgBouncerPoolSize)
  }
  {
    name: 'pgbouncer.max_client_conn'
    value: string(pgBouncerMaxClientConnections)
  }
]

@batchSize(1)
resource configurations 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [
  for p in parameters: {
    parent: server
    name: p.name
    properties: {
      value: p.value
      source: 'user-override'
    }
    dependsOn: [
      database
    ]
  }
]

output name string = server.name
output host string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
