// The one user-assigned identity the function app runs as: storage, Application Insights and PostgreSQL all trust it.
// Optionally it also trusts the deploy workflow's GitHub environment (OIDC), so migrations run as the same database
// role that owns the tables at run time (docs/adr/0014-azure-deployment-and-identity.md).

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for every resource.')
param tags object

@description('owner/name of the GitHub repository whose deploy workflow may sign in as this identity; empty: none.')
param githubRepository string

@description('GitHub environment the deploy workflow runs in (the subject of its OIDC token).')
param githubEnvironment string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

// Subject format: https://docs.github.com/actions/deployment/security-hardening-your-deployments/about-security-hardening-with-openid-connect
resource github 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = if (!empty(githubRepository)) {
  parent: identity
  name: 'github-deploy'
  properties: {
    issuer: 'https://token.actions.githubusercontent.com'
    subject: 'repo:${githubRepository}:environment:${githubEnvironment}'
    audiences: [
      'api://AzureADTokenExchange'
    ]
  }
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
