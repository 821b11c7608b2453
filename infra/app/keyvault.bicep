// Key Vault in RBAC mode. Secrets are NOT created here (no placeholder values): the vault only
// declares their names; the azd postprovision hook (infra/hooks/postprovision.mjs) asks the operator for
// them and stores them (docs/deploy.md). App settings refer to them with versionless Key Vault references.
param name string
param location string
param tags object
@description('Principal of the Gantry identity (Key Vault Secrets User).')
param principalId string
@description('Who runs `azd up` (Key Vault Secrets Officer, so the postprovision hook can store the secrets); empty: nobody.')
param operatorPrincipalId string = ''
@allowed(['User', 'ServicePrincipal', 'Group'])
param operatorPrincipalType string = 'User'
@description('Private networking: refuse public traffic except these address ranges (the operator running the hook).')
param restrictPublicNetwork bool = false
@description('CIDR ranges still allowed when restricted, e.g. the operator\'s public IP.')
param allowedIpRanges array = []

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

// Secret names (the postprovision hook asks for exactly these); `githubAppKey` is the GitHub App private key.
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
    networkAcls: {
      defaultAction: restrictPublicNetwork ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
      ipRules: [for range in allowedIpRanges: { value: range }]
    }
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

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(operatorPrincipalId)) {
  name: guid(vault.id, operatorPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    principalId: operatorPrincipalId
    principalType: operatorPrincipalType
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output secretNames object = secretNames
