// Parameters for `azd up` (which sets AZURE_ENV_NAME and AZURE_LOCATION) and for
// `az deployment group create -f bicep/main.bicep -p bicep/main.bicepparam` (export the same variables first).
using './main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'pec')
param location = readEnvironmentVariable('AZURE_LOCATION', 'brazilsouth')
param alertEmail = readEnvironmentVariable('PEC_ALERT_EMAIL', 'operations@example.org')
param snapshotRetentionDays = int(readEnvironmentVariable('PEC_SNAPSHOT_RETENTION_DAYS', '35'))
param listSigningPublicKey = readEnvironmentVariable('PEC_LIST_SIGNING_PUBLIC_KEY', '')
param releaseSigningPublicKeys = readEnvironmentVariable('PEC_RELEASE_SIGNING_PUBLIC_KEYS', '')
param githubRepository = readEnvironmentVariable('PEC_GITHUB_REPOSITORY', '')
