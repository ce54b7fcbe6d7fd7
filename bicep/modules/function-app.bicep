// The Flex Consumption function app running the custom handler (a self-contained linux-x64 executable, so the 'custom'
// runtime: no language worker). Shapes: Azure-Samples/azure-functions-flex-consumption-samples IaC/bicep and
// https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan.

@description('Function app name.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource (the app also gets azd-service-name).')
param tags object

@description('Resource id of the user-assigned identity.')
param identityId string

@description('Blob endpoint of the storage account, ending in /.')
param blobEndpoint string

@description('Container the app package is deployed from.')
param deploymentContainer string

@description('Memory of one instance.')
param instanceMemoryMB int

@description('Most instances per function group (Flex: 40 to 1000; main.bicep).')
param maximumInstanceCount int

@description('HTTP requests one instance takes at once.')
param httpPerInstanceConcurrency int

@description('App settings, name and value.')
param appSettings object

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'functions' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: {
          http: {
            perInstanceConcurrency: httpPerInstanceConcurrency
          }
        }
      }
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
  }

  // A child resource, so values stay out of the site's own properties (and out of its deployment history diff).
  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }
}

output name string = app.name
output defaultHostName string = app.properties.defaultHostName
