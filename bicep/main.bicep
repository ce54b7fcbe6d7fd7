// Placeholder: the full Azure deployment (Flex Consumption app, storage, PostgreSQL, App Insights, workbook,
// alerts) comes with its own issue. Kept buildable so `az bicep build` stays part of CI from the start.
targetScope = 'resourceGroup'

@description('Azure region for every resource.')
param location string = resourceGroup().location

output location string = location
