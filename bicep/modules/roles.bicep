// Least-privilege role assignments of the app's identity. GUIDs:
// https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (storage, monitor). Each assignment's
// description starts with the role's name: tests/Repository.Tests/PreflightTests.cs checks the GUID is that role's.

@description('Storage account name.')
param storageAccountName string

@description('Application Insights name.')
param appInsightsName string

@description('Principal (object) id of the identity.')
param principalId string

// Blob Data Owner: the host's AzureWebJobsStorage (leases, its own containers) and the Flex deployment container need
// more than Contributor; the snapshots container is covered by the same assignment.
var blobDataOwner = 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
// Queue Data Contributor: the trigger reads and deletes, the app sends and defers, the host writes '<queue>-poison'.
var queueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
// Monitoring Metrics Publisher: Entra-authenticated telemetry into Application Insights with local auth off.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, blobDataOwner)
  scope: storage
  properties: {
    description: 'Storage Blob Data Owner: the Functions host storage, the snapshots and the Flex deployment container'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', blobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, queueDataContributor)
  scope: storage
  properties: {
    description: 'Storage Queue Data Contributor: the load queue and its poison queue'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', queueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource metricsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    description: 'Monitoring Metrics Publisher: Entra-authenticated telemetry (local auth is off)'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
