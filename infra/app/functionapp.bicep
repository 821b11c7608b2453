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
@description('Log Analytics workspace ID (GUID) for the app-insights metrics provider; empty = not set.')
param appInsightsWorkspaceId string = ''

@description('Instances kept warm for the Durable group (orchestrations, activities, entities).')
@minValue(1)
@maxValue(4)
param durableAlwaysReady int = 1

@description('Flex scale-out ceiling.')
param maximumInstanceCount int = 40

@description('Subnet for outbound VNet integration (delegated to Microsoft.App/environments); empty: none.')
param subnetId string = ''

// ChatOps and alert receivers (docs/chatops.md) are opt-in: each switched-on feature's settings are Key
// Vault references to secrets the operator creates (names below); a feature left off sets nothing.
@description('Slack: GANTRY_SLACK_BOT_TOKEN and GANTRY_SLACK_SIGNING_SECRET from the vault secrets slack-bot-token and slack-signing-secret.')
param slackEnabled bool = false
@description('Teams Workflows webhooks by name: GANTRY_TEAMS_WEBHOOK_<NAME> from the vault secret teams-webhook-<name>.')
param teamsWebhooks array = []
@description('Alertmanager receiver: GANTRY_ALERTMANAGER_TOKEN from the vault secret alertmanager-token.')
param alertmanagerEnabled bool = false
@description('Azure Monitor action group receiver: GANTRY_AZURE_MONITOR_SECRET from the vault secret azure-monitor-alert-secret.')
param azureMonitorAlertsEnabled bool = false

resource storage 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {
  name: storageAccountName
}

// Versionless Key Vault reference: picks up rotated secrets without a redeploy.
func kvRef(vaultUri string, secretName string) string => '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/${secretName}/)'

// The opt-in secrets (docs/chatops.md, "Secrets in Azure"): the postprovision hook does not ask for them.
var chatSecretNames = {
  slackBotToken: 'slack-bot-token'
  slackSigningSecret: 'slack-signing-secret'
  alertmanagerToken: 'alertmanager-token'
  azureMonitorSecret: 'azure-monitor-alert-secret'
}

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
  },
  empty(appInsightsWorkspaceId) ? {} : { GANTRY_APPINSIGHTS_WORKSPACE_ID: appInsightsWorkspaceId },
  slackEnabled ? {
    GANTRY_SLACK_BOT_TOKEN: kvRef(keyVaultUri, chatSecretNames.slackBotToken)
    GANTRY_SLACK_SIGNING_SECRET: kvRef(keyVaultUri, chatSecretNames.slackSigningSecret)
  } : {},
  alertmanagerEnabled ? { GANTRY_ALERTMANAGER_TOKEN: kvRef(keyVaultUri, chatSecretNames.alertmanagerToken) } : {},
  azureMonitorAlertsEnabled ? {
    GANTRY_AZURE_MONITOR_SECRET: kvRef(keyVaultUri, chatSecretNames.azureMonitorSecret)
  } : {},
  toObject(
    teamsWebhooks,
    hook => 'GANTRY_TEAMS_WEBHOOK_${toUpper(string(hook))}',
    hook => kvRef(keyVaultUri, 'teams-webhook-${toLower(string(hook))}')
  )
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
