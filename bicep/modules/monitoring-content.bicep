// The operations workbook and the alert rules. Kept apart from the monitoring resources so the telemetry issue (13)
// can fill both without touching the rest: the workbook is the JSON beside it, the alerts are the section below.

@description('Azure region.')
param location string

@description('Resource id of the Application Insights the workbook and the alerts query.')
param appInsightsId string

@description('Resource id of the action group alerts notify.')
param actionGroupId string

@description('Tags for every resource.')
param tags object

// ---- workbook ------------------------------------------------------------------------------------------------------
// A workbook's name must be a GUID (https://learn.microsoft.com/azure/templates/microsoft.insights/workbooks).
resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, appInsightsId, 'operations-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'PEC Lists operations'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: loadTextContent('../workbook/operations.workbook.json')
    version: '1.0'
  }
}

// ---- alerts --------------------------------------------------------------------------------------------------------
// Storage queue metrics have no per-queue dimension, so the poison queue's length comes from the app's own metric.
resource poisonQueueAlert 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = {
  name: 'alert-poison-queue'
  location: location
  tags: tags
  properties: {
    displayName: 'Loads in the poison queue'
    description: 'Messages are waiting in the load poison queue: see README "Failed loads" and replay them once the cause is fixed.'
    severity: 2
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT30M'
    criteria: {
      allOf: [
        {
          query: 'customMetrics | where name == "pec.poison_queue.length" | summarize length = max(value)'
          metricMeasureColumn: 'length'
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [
        actionGroupId
      ]
    }
  }
}
