// The Gantry Function App on Flex Consumption (Node 22), running as the user-assigned identity.
// App settings: identity-based host storage, App Insights with Entra auth, TASKHUB_NAME, and exactly the
// GANTRY_* settings of shared/config.ts that make sense in Azure (test/infra checks both directions).
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param appInsightsConnectionString string
@description('Vault URI with a trailing slash, e.g. https://kv-x.vault.azure.net/')
param keyVaultUri string
@description('Service Bus namespace host name, <ns>.servicebus.windows.net.')
param serviceBusNamespace string
@description('Secret names declared by keyvault.bicep.')
param secretNames object
param taskHubName string
param gantryConfigPath string
param tablePrefix string
param argoCdUrl string
param argoCdProject string
param gitHubApiUrl string
param scanTarget string
@description('Kubernetes ServiceAccount the scan Jobs run as (workload identity, cosign keys); empty: none.')
param scanServiceAccount string = ''
param prometheusQueryEndpoint string

@description('Instances kept warm for the Durable group (orchestrations, activities, entities).')
@minValue(1)
@maxValue(4)
param durableAlwaysReady int = 1

@description('Flex scale-out ceiling.')
param maximumInstanceCount int = 40

@description('Subnet for outbound VNet integration (delegated to Microsoft.App/environments); empty: none.')
param subnetId string = ''

resource storage 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {
  name: storageAccountName
}

// Versionless Key Vault reference: picks up rotated secrets without a redeploy.
func kvRef(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

var appSettings = union(
  {
    // Functions host and identity
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
    AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
    AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    TASKHUB_NAME: taskHubName
    // Gantry (shared/config.ts)
    GANTRY_CONFIG_PATH: gantryConfigPath
    GANTRY_STORAGE_ACCOUNT: storageAccountName
    GANTRY_TABLE_PREFIX: tablePrefix
    GANTRY_ARGOCD_URL: argoCdUrl
    GANTRY_KEYVAULT_URI: keyVaultUri
    GANTRY_ARGOCD_TOKEN_SECRET: secretNames.argoCdToken
    GANTRY_SERVICEBUS_NAMESPACE: serviceBusNamespace
    GANTRY_GITHUB_API_URL: gitHubApiUrl
    GANTRY_GITHUB_TOKEN: kvRef(keyVaultUri, secretNames.gitHubToken)
    GANTRY_GITHUB_WEBHOOK_SECRET: kvRef(keyVaultUri, secretNames.gitHubWebhookSecret)
    GANTRY_ACR_WEBHOOK_SECRET: kvRef(keyVaultUri, secretNames.acrWebhookSecret)
  },
  // Optional settings: omitted when empty (the schema rejects an empty URL or pattern).
  empty(argoCdProject) ? {} : { GANTRY_ARGOCD_PROJECT: argoCdProject },
  empty(scanTarget) ? {} : { GANTRY_SCAN_TARGET: scanTarget },
  empty(scanServiceAccount) ? {} : { GANTRY_SCAN_SERVICE_ACCOUNT: scanServiceAccount },
  empty(prometheusQueryEndpoint) ? {} : {
    GANTRY_PROMETHEUS_URL: prometheusQueryEndpoint
    GANTRY_PROMETHEUS_AUTH: 'entra'
    GANTRY_PROMETHEUS_MODE: 'azure-monitor'
  }
)

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { name: 'FC1', tier: 'FlexConsumption' }
  properties: { reserved: true }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  tags: union(tags, { 'azd-service-name': 'api' })
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: 2048
        maximumInstanceCount: maximumInstanceCount
        alwaysReady: [
          {
            name: 'durable'
            instanceCount: durableAlwaysReady
          }
        ]
        triggers: { http: { perInstanceConcurrency: 16 } }
      }
      runtime: { name: 'node', version: '22' }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: appSettings
}

output name string = functionApp.name
output id string = functionApp.id
output uri string = 'https://${functionApp.properties.defaultHostName}'
output hostName string = functionApp.properties.defaultHostName
