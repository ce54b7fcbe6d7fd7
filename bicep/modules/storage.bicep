// One storage account for the Functions host (AzureWebJobsStorage), the ingest data (snapshots container, load queue and
// its poison queue) and the Flex deployment package. Shared keys are off: everything signs in with the identity.

@description('Storage account name (3-24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('Blob container of the snapshots (Ingest:Container; functions/Storage/IngestOptions.cs).')
param snapshotsContainer string

@description('The load queue (Ingest:Queue; functions/function-app/load/function.json queueName).')
param loadQueue string

@description('Container the Flex Consumption app is deployed from.')
param deploymentContainer string

@description('Blob container of the uploader release binaries (Releases:Container; functions/Releases/ReleaseOptions.cs). No lifecycle rule: a release is kept while any site may run it.')
param releasesContainer string

@description('Snapshot blobs are deleted this many days after they were written (they hold personal data); held ones are kept until decided.')
param snapshotRetentionDays int

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource snapshots 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: snapshotsContainer
  properties: {
    publicAccess: 'None'
  }
}

resource releases 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: releasesContainer
  properties: {
    publicAccess: 'None'
  }
}

resource deployment 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: deploymentContainer
  properties: {
    publicAccess: 'None'
  }
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource load 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: loadQueue
}

// The host creates '<queue>-poison' on first use; created here so the poison-length metric and replay find it from day one.
resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queues
  name: '${loadQueue}-poison'
}

// Snapshot blobs are write-once, so "modified" is "written". Replay from blobs reaches back this far at most.
// A held snapshot's blob must outlive this rule until an operator applies or drops it (docs/design.md §5), so the loader
// moves it to 'held/<name>' in the same container and the decision moves it back. Lifecycle filters can only include
// blobs, never exclude them: prefixMatch takes up to 10 case-sensitive prefixes, each starting with the container name,
// and blobIndexMatch compares tags with "==" only and is ANDed with the prefixes (learn.microsoft.com/azure/storage/
// blobs/lifecycle-management-policy-structure, "Rule filters"; the ARM TagFilter schema: "Only == (equality operator) is
// currently supported"); index tags would also need Storage Blob Data Owner and are not in Azurite's tests. So the rule
// names what it deletes: every snapshot blob name starts with its site's 7-digit IBGE code (ingest.sites' CHECK), and
// the ten prefixes '<container>/0' to '<container>/9' cover exactly those, never 'held/'.
resource lifecycle 'Microsoft.Storage/storageAccounts/managementPolicies@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    policy: {
      rules: [
        {
          name: 'delete-old-snapshots'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [for digit in range(0, 10): '${snapshotsContainer}/${digit}']
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: snapshotRetentionDays
                }
              }
            }
          }
        }
        // Upload sessions' staging blobs (docs/adr/0021): ingest deletes each once its commit is answered; one left by a
        // crash between commit and delete goes after 7 days, as Azure discards uncommitted blocks after 7 days anyway
        // (learn.microsoft.com/dotnet/api/azure.storage.blobs.specialized.blockblobclient.commitblocklist).
        {
          name: 'delete-abandoned-uploads'
          enabled: true
          type: 'Lifecycle'
          definition: {
            filters: {
              blobTypes: [
                'blockBlob'
              ]
              prefixMatch: [
                '${snapshotsContainer}/uploads/'
              ]
            }
            actions: {
              baseBlob: {
                delete: {
                  daysAfterModificationGreaterThan: 7
                }
              }
            }
          }
        }
      ]
    }
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
