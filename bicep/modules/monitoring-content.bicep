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
// Every name a query reads is one the code emits (functions/Telemetry/TelemetryNames.cs), pinned by
// tests/Functions.Tests/Telemetry/TelemetryContractTests.cs. Metrics the code records every 5 minutes from PostgreSQL
// (the fleet-metrics timer) carry what no single event can: sites that never report, queues without per-queue metrics.

@description('Share of loads that may fail within an hour before the failure-rate alert fires (0.1 = 10 %).')
param loadFailureRateThreshold string = '0.1'

@description('Share of a release\'s canary or fleet sites whose self-update failed or was rolled back before the rollout-failure alert fires (0.1 = 10 %).')
param updateFailureShareThreshold string = '0.1'

var alerts = [
  {
    name: 'alert-sites-silent'
    displayName: 'Sites silent past their window'
    description: 'At least one site sent no heartbeat within a day plus the grace (machine off, scheduler or uploader stopped, or cut off): run "Functions.dll fleet" or open the workbook for which and since when (docs/failure-catalog.md, machine-off).'
    severity: 2
    query: 'customMetrics | where name == "pec.fleet.silent_sites" | summarize silent = max(value)'
    measure: 'silent'
    threshold: 0
    queryTimeRange: '' // the window itself
  }
  {
    name: 'alert-poison-queue'
    displayName: 'Loads in the poison queue'
    description: 'Messages wait in the load poison queue: see README "Failed loads"; replay them once the cause is fixed.'
    severity: 2
    query: 'customMetrics | where name == "pec.queue.poison_length" | summarize length = max(value)'
    measure: 'length'
    threshold: 0
    queryTimeRange: '' // the window itself
  }
  {
    name: 'alert-load-failure-rate'
    displayName: 'Load failure rate above threshold'
    description: 'More than the allowed share of snapshots ended the window failed (central database or storage trouble): the SnapshotFailed events name the error code (transient, load-timeout, cancelled) and its cause (central-database-…, storage-…). Each snapshot counts once, by its latest outcome, so one that failed and then loaded on a retry is not a failure.'
    severity: 1
    query: 'customEvents | where name in ("SnapshotLoaded", "SnapshotSkipped", "SnapshotFailed") | summarize arg_max(timestamp, name) by snapshotId = tostring(customDimensions.snapshotId) | summarize failed = countif(name == "SnapshotFailed"), total = count() | extend rate = iff(total == 0, 0.0, todouble(failed) / total) | project rate'
    measure: 'rate'
    threshold: json(loadFailureRateThreshold)
    queryTimeRange: '' // the window itself
  }
  {
    name: 'alert-load-privilege'
    displayName: 'Loads refused by a missing grant'
    description: 'The central database refused a load for lack of privilege (SQLSTATE 42501): a grant to the function app\'s role is missing, so every load fails until it is restored. Loads are retried for about 2.5 hours, then go to the poison queue: restore the grant (docs/failure-catalog.md, load-failed), then replay what reached the poison queue.'
    severity: 1
    query: 'customEvents | where name == "SnapshotFailed" and tostring(customDimensions.cause) == "central-database-42501" | summarize failures = count()'
    measure: 'failures'
    threshold: 0
    queryTimeRange: '' // the window itself
  }
  {
    name: 'alert-update-failure-share'
    displayName: 'Uploader rollout: update failures above threshold'
    description: 'More than the allowed share of the sites that reported a self-update to one release in the last day failed it or rolled it back (docs/adr/0026-uploader-releases-and-rollout.md): run "Functions.dll releases status --runtime <runtime>" for which sites and why, and "releases halt" to stop the rollout where it is. A site counts once per version, by its latest report; a repeated block (version-blocked) is not a new failure.'
    severity: 1
    query: 'customEvents | where name == "UpdateReported" | where tostring(customDimensions.updateReason) != "version-blocked" | summarize arg_max(timestamp, customDimensions) by site = tostring(customDimensions.site), version = tostring(customDimensions.updateVersion) | extend state = tostring(customDimensions.updateState) | summarize failed = countif(state in ("update-failed", "rolled-back")), total = count() by version | extend share = iff(total == 0, 0.0, todouble(failed) / total) | summarize share = max(share)'
    measure: 'share'
    threshold: json(updateFailureShareThreshold)
    // Sites run daily: an hour of reports is a handful of sites; a day is the canary set.
    queryTimeRange: 'P1D'
  }
  {
    name: 'alert-held-snapshots'
    displayName: 'Snapshots held for an operator'
    description: 'The deletion guard holds snapshots that would delete most of a site\'s rows: decide with "Functions.dll snapshots held" / apply / drop.'
    severity: 3
    query: 'customMetrics | where name == "pec.snapshots.held" | summarize held = max(value)'
    measure: 'held'
    threshold: 0
    queryTimeRange: '' // the window itself
  }
]

resource alertRules 'Microsoft.Insights/scheduledQueryRules@2023-12-01' = [for alert in alerts: {
  name: alert.name
  location: location
  tags: tags
  properties: {
    displayName: alert.displayName
    description: alert.description
    severity: alert.severity
    enabled: true
    scopes: [
      appInsightsId
    ]
    evaluationFrequency: 'PT15M'
    windowSize: 'PT1H'
    overrideQueryTimeRange: empty(alert.queryTimeRange) ? null : alert.queryTimeRange
    criteria: {
      allOf: [
        {
          query: alert.query
          metricMeasureColumn: alert.measure
          timeAggregation: 'Maximum'
          operator: 'GreaterThan'
          threshold: alert.threshold
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
}]
