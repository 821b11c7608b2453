// Storage: Durable task hub (queues, tables, leases), Gantry's tables, the Flex deployment package
// container and the Event Grid dead-letter container. Shared keys are off: identity access only.
param name string
param location string
param tags object
param deploymentContainerName string
param deadLetterContainerName string
@description('GANTRY_TABLE_PREFIX; the app also creates these tables itself (409 is tolerated).')
param tablePrefix string
@description('Principal of the Gantry identity.')
param principalId string
@description('Private networking: refuse public traffic except trusted Azure services (Event Grid dead letters).')
param restrictPublicNetwork bool = false

// Table suffixes of shared/adapters/table-client.ts (TABLE_SUFFIXES); test/infra checks they agree.
var gantryTableSuffixes = [
  'Deployments'
  'DeploymentEvents'
  'Queue'
  'Releases'
  'Approvals'
  'Deliveries'
  'Quarantine'
  'Holds'
]

var storageBlobDataContributor = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
var storageQueueDataContributor = '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
var storageTableDataContributor = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
var dataRoles = [
  storageBlobDataContributor
  storageQueueDataContributor
  storageTableDataContributor
]

resource storage 'Microsoft.Storage/storageAccounts@2026-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: restrictPublicNetwork ? 'Deny' : 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-04-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-04-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: { publicAccess: 'None' }
}

resource deadLetterContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-04-01' = {
  parent: blobService
  name: deadLetterContainerName
  properties: { publicAccess: 'None' }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2026-04-01' = {
  parent: storage
  name: 'default'
}

resource gantryTables 'Microsoft.Storage/storageAccounts/tableServices/tables@2026-04-01' = [
  for suffix in gantryTableSuffixes: {
    parent: tableService
    name: '${tablePrefix}${suffix}'
  }
]

resource dataRoleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in dataRoles: {
    name: guid(storage.id, principalId, roleId)
    scope: storage
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]

output name string = storage.name
output id string = storage.id
