// Key Vault in RBAC mode. Secrets are NOT created here (no placeholder values): the vault only
// declares their names; operators set them after provisioning (docs/deploy.md). App settings refer
// to them with versionless Key Vault references.
param name string
param location string
param tags object
@description('Principal of the Gantry identity (Key Vault Secrets User).')
param principalId string

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

// Secret names; `githubAppKey` is reserved for GitHub App auth (no Gantry setting reads it yet).
var secretNames = {
  argoCdToken: 'argocd-token'
  gitHubToken: 'github-token'
  gitHubWebhookSecret: 'github-webhook-secret'
  gitHubAppKey: 'github-app-key'
  acrWebhookSecret: 'acr-webhook-secret'
}

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
output secretNames object = secretNames
