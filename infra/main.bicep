// Gantry on Azure: Function App (Flex Consumption) + Durable Functions on Azure Storage, azd style.
// Stage 1 (this file, `azd provision`): everything except the ACR Event Grid subscription.
// Stage 2 (`infra/eventgrid.bicep`, azd `postdeploy` hook): the subscription, once the function exists.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Region of the Gantry resources (a region offering Flex Consumption).')
@metadata({ azd: { type: 'location' } })
@allowed([
  'australiaeast'
  'canadacentral'
  'centralus'
  'eastasia'
  'eastus'
  'eastus2'
  'northeurope'
  'southcentralus'
  'southeastasia'
  'swedencentral'
  'uksouth'
  'westeurope'
  'westus2'
  'westus3'
])
param location string

@description('Argo CD server URL (GANTRY_ARGOCD_URL).')
param argoCdUrl string

@description('Argo CD project (GANTRY_ARGOCD_PROJECT); empty = not set.')
param argoCdProject string = ''

@description('GitHub API URL (GANTRY_GITHUB_API_URL).')
param gitHubApiUrl string = 'https://api.github.com'

@description('Pipeline YAML inside the deployed package (GANTRY_CONFIG_PATH).')
param gantryConfigPath string = 'config/gantry.yaml'

@description('Table name prefix for Gantry records (GANTRY_TABLE_PREFIX).')
param tablePrefix string = 'Gantry'

@description('Durable task hub name (TASKHUB_NAME): a letter, then letters and digits.')
param taskHubName string = 'Gantry'

@description('Where scan Jobs run: subscription/resourceGroup/cluster/namespace (GANTRY_SCAN_TARGET); empty = not set.')
param scanTarget string = ''
@description('Kubernetes ServiceAccount the scan Jobs run as; empty: no service account token.')
param scanServiceAccount string = ''

@description('Azure Monitor managed Prometheus query endpoint (GANTRY_PROMETHEUS_URL); empty = not set.')
param prometheusQueryEndpoint string = ''

@description('Resource id of the Azure Monitor workspace behind the Prometheus endpoint (Monitoring Data Reader).')
param prometheusWorkspaceId string = ''

@description('Resource id of the Log Analytics workspace behind workspace-based Application Insights (Log Analytics Reader; its workspace ID becomes GANTRY_APPINSIGHTS_WORKSPACE_ID); empty = not set.')
param appInsightsWorkspaceResourceId string = ''

@description('Comma-separated resource ids of the target AKS clusters (Cluster User + RBAC Writer roles).')
param clusterResourceIds string = ''

@description('Resource id of the existing ACR: AcrPull for the Gantry identity here, Event Grid in stage 2.')
param acrResourceId string = ''

@description('Object id of who runs azd (azd sets AZURE_PRINCIPAL_ID): Key Vault Secrets Officer, Gantry.Reader and Gantry.Operator.')
param principalId string = ''

@description('Type of that principal (azd sets AZURE_PRINCIPAL_TYPE).')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Comma-separated Entra object ids (users or groups) given Gantry.Reader.')
param gantryReaders string = ''

@description('Comma-separated Entra object ids (users or groups) given Gantry.Operator.')
param gantryOperators string = ''

@description('Comma-separated Entra object ids (users or groups) given Gantry.Approver.')
param gantryApprovers string = ''

@description('Private networking: VNet integration for the app, private endpoints for Storage, Key Vault and Service Bus (Premium).')
param vnetEnabled bool = false

@description('Address space of the Gantry VNet (must not overlap the peered AKS VNets).')
param vnetAddressPrefix string = '10.250.0.0/16'

@description('Subnet of the Function App (delegated to Microsoft.App/environments).')
param appSubnetPrefix string = '10.250.0.0/24'

@description('Subnet of the private endpoints.')
param privateEndpointSubnetPrefix string = '10.250.1.0/24'

@description('Comma-separated resource ids of VNets to peer with (the AKS VNets); only with vnetEnabled.')
param peerVnetIds string = ''

@description('Comma-separated resource ids of existing private DNS zones to link (AKS private API server, Argo CD); only with vnetEnabled.')
param privateDnsZoneIds string = ''

@description('Comma-separated CIDR ranges still allowed to reach Key Vault with vnetEnabled (who runs the postprovision hook).')
param operatorIpRanges string = ''

@description('Pre-authorize the Azure CLI for the Gantry API scope (after the first deployment; see docs/deploy.md).')
param preAuthorizeAzureCli bool = false

@description('Slack (docs/chatops.md): Key Vault references to the secrets slack-bot-token and slack-signing-secret, which you create first.')
param slackEnabled bool = false

@description('Comma-separated Teams Workflows webhook names (docs/chatops.md): each reads the secret teams-webhook-<name>; empty: none.')
param teamsWebhooks string = ''

@description('Alertmanager receiver (docs/chatops.md): a Key Vault reference to the secret alertmanager-token, which you create first.')
param alertmanagerEnabled bool = false

@description('Azure Monitor receiver (docs/chatops.md): a Key Vault reference to the secret azure-monitor-alert-secret, which you create first.')
param azureMonitorAlertsEnabled bool = false

var abbrs = loadJsonContent('./abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var clusterIds = empty(clusterResourceIds) ? [] : split(clusterResourceIds, ',')
// Evaluated even when the Prometheus module is skipped, so never split an empty id.
var prometheusIdParts = split(empty(prometheusWorkspaceId) ? '/subscriptions/none/resourceGroups/none/providers/Microsoft.Monitor/accounts/none' : prometheusWorkspaceId, '/')

var appInsightsIdParts = split(empty(appInsightsWorkspaceResourceId) ? '/subscriptions/none/resourceGroups/none/providers/Microsoft.OperationalInsights/workspaces/none' : appInsightsWorkspaceResourceId, '/')

var resourceGroupName = '${abbrs.resourcesResourceGroups}${environmentName}'
var identityName = '${abbrs.managedIdentityUserAssignedIdentities}gantry-${resourceToken}'
var storageAccountName = '${abbrs.storageStorageAccounts}${resourceToken}'
var keyVaultName = '${abbrs.keyVaultVaults}${resourceToken}'
var serviceBusNamespaceName = '${abbrs.serviceBusNamespaces}gantry-${resourceToken}'
var logAnalyticsName = '${abbrs.operationalInsightsWorkspaces}gantry-${resourceToken}'
var appInsightsName = '${abbrs.insightsComponents}gantry-${resourceToken}'
var planName = '${abbrs.webServerFarms}gantry-${resourceToken}'
var functionAppName = '${abbrs.webSitesFunctions}gantry-${resourceToken}'
var deploymentContainerName = 'app-package-${take(functionAppName, 32)}-${take(resourceToken, 7)}'
var deadLetterContainerName = 'eventgrid-deadletter'
var vnetName = '${abbrs.networkVirtualNetworks}gantry-${resourceToken}'
// Keeps the application ID URI (api://<tenant id>/<this>) well under Entra's 120-character limit.
var appUniqueName = 'gantry-${take(environmentName, 40)}-${resourceToken}'
var acrIdParts = split(empty(acrResourceId) ? '/subscriptions/none/resourceGroups/none/providers/Microsoft.ContainerRegistry/registries/none' : acrResourceId, '/')
var deployerIds = empty(principalId) ? [] : [principalId]

// Comma-separated object ids (azd env values) as an array; spaces ignored.
func idList(csv string) array => empty(csv) ? [] : split(replace(csv, ' ', ''), ',')

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: resourceGroupName
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: tags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: logAnalyticsName
    appInsightsName: appInsightsName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
    deadLetterContainerName: deadLetterContainerName
    tablePrefix: tablePrefix
    principalId: identity.outputs.principalId
    restrictPublicNetwork: vnetEnabled
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
    restrictPublicNetwork: vnetEnabled
    allowedIpRanges: idList(operatorIpRanges)
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: serviceBusNamespaceName
    location: location
    tags: tags
    principalId: identity.outputs.principalId
    privateNetwork: vnetEnabled
  }
}

module functionApp 'app/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: functionAppName
    planName: planName
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    keyVaultUri: keyVault.outputs.uri
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    secretNames: keyVault.outputs.secretNames
    taskHubName: taskHubName
    gantryConfigPath: gantryConfigPath
    tablePrefix: tablePrefix
    argoCdUrl: argoCdUrl
    argoCdProject: argoCdProject
    gitHubApiUrl: gitHubApiUrl
    scanTarget: scanTarget
    scanServiceAccount: scanServiceAccount
    prometheusQueryEndpoint: prometheusQueryEndpoint
    appInsightsWorkspaceId: empty(appInsightsWorkspaceResourceId) ? '' : logAnalyticsReader.outputs.customerId
    subnetId: vnetEnabled ? privateNetwork.outputs.appSubnetId : ''
    slackEnabled: slackEnabled
    teamsWebhooks: filter(map(split(teamsWebhooks, ','), n => trim(n)), n => !empty(n))
    alertmanagerEnabled: alertmanagerEnabled
    azureMonitorAlertsEnabled: azureMonitorAlertsEnabled
  }
}

// Private networking (docs/deploy.md, "Private networking"): only with vnetEnabled.
module privateNetwork 'app/private-network.bicep' = if (vnetEnabled) {
  name: 'private-network'
  scope: rg
  params: {
    vnetName: vnetName
    location: location
    tags: tags
    resourceToken: resourceToken
    addressPrefix: vnetAddressPrefix
    appSubnetPrefix: appSubnetPrefix
    privateEndpointSubnetPrefix: privateEndpointSubnetPrefix
    storageAccountId: storage.outputs.id
    keyVaultId: keyVault.outputs.id
    serviceBusNamespaceId: serviceBus.outputs.id
    peerVnetIds: idList(peerVnetIds)
    privateDnsZoneIds: idList(privateDnsZoneIds)
  }
}

// The Entra application (Graph extension) once the host name is known, then App Service authentication.
module entra 'app/entra.bicep' = {
  name: 'entra'
  scope: rg
  params: {
    uniqueName: appUniqueName
    displayName: 'Gantry (${environmentName})'
    hostName: functionApp.outputs.hostName
    identifierUri: 'api://${tenant().tenantId}/${appUniqueName}'
    readers: union(deployerIds, idList(gantryReaders))
    operators: union(deployerIds, idList(gantryOperators))
    approvers: idList(gantryApprovers)
    preAuthorizeAzureCli: preAuthorizeAzureCli
  }
}

module auth 'app/auth.bicep' = {
  name: 'auth'
  scope: rg
  params: {
    functionAppName: functionApp.outputs.name
    clientId: entra.outputs.clientId
    identifierUri: entra.outputs.identifierUri
  }
}

// Image provenance: the Gantry identity reads manifests and signatures from the registry.
module acrPull 'app/acr-pull.bicep' = if (!empty(acrResourceId)) {
  name: 'acr-pull'
  scope: resourceGroup(acrIdParts[2], acrIdParts[4])
  params: {
    registryName: last(acrIdParts)
    principalId: identity.outputs.principalId
  }
}

// Managed Prometheus: the Azure Monitor workspace may live anywhere, so the module is scoped to its group.
module prometheusReader 'app/prometheus-role.bicep' = if (!empty(prometheusWorkspaceId)) {
  name: 'prometheus-reader'
  scope: resourceGroup(prometheusIdParts[2], prometheusIdParts[4])
  params: {
    workspaceName: last(prometheusIdParts)
    principalId: identity.outputs.principalId
  }
}

// Application Insights metrics: the teams' Log Analytics workspace may live anywhere, like Prometheus's.
module logAnalyticsReader 'app/log-analytics-role.bicep' = if (!empty(appInsightsWorkspaceResourceId)) {
  name: 'log-analytics-reader'
  scope: resourceGroup(appInsightsIdParts[2], appInsightsIdParts[4])
  params: {
    workspaceName: last(appInsightsIdParts)
    principalId: identity.outputs.principalId
  }
}

// Target clusters: one module per cluster, in the cluster's own subscription and resource group.
module clusterRoles 'app/cluster-roles.bicep' = [
  for (clusterId, i) in clusterIds: {
    name: 'cluster-roles-${i}'
    scope: resourceGroup(split(clusterId, '/')[2], split(clusterId, '/')[4])
    params: {
      clusterName: last(split(clusterId, '/'))
      principalId: identity.outputs.principalId
    }
  }
]

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_ID string = functionApp.outputs.id
output AZURE_FUNCTION_URI string = functionApp.outputs.uri
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = keyVault.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_STORAGE_ACCOUNT_ID string = storage.outputs.id
output AZURE_SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output AZURE_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output GANTRY_DEADLETTER_CONTAINER string = deadLetterContainerName
output GANTRY_ACR_ID string = acrResourceId
// For `gantry login` and the dashboard (docs/deploy.md, docs/cli.md).
output GANTRY_URL string = functionApp.outputs.uri
output GANTRY_AUTH_CLIENT_ID string = entra.outputs.clientId
output GANTRY_AUTH_SCOPE string = entra.outputs.scope
output GANTRY_DASHBOARD_SIGNIN_URL string = '${functionApp.outputs.uri}/.auth/login/aad?post_login_redirect_uri=/api/dashboard'
