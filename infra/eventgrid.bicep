// Stage 2: the Event Grid system topic on the existing ACR and its subscription to the `acrEventGrid`
// function. Deployed by the azd `postdeploy` hook (infra/hooks/postdeploy.*), because Event Grid
// validates an AzureFunction destination when the subscription is created: the function must exist,
// i.e. the code must already be deployed. Re-running is idempotent.
targetScope = 'subscription'

@description('Resource id of the existing Azure Container Registry.')
param acrResourceId string

@description('Resource id of the Gantry Function App (azd output AZURE_FUNCTION_APP_ID).')
param functionAppId string

@description('Resource id of the Gantry storage account (azd output AZURE_STORAGE_ACCOUNT_ID).')
param storageAccountId string

@description('Dead-letter blob container in that account (azd output GANTRY_DEADLETTER_CONTAINER).')
param deadLetterContainerName string = 'eventgrid-deadletter'

@description('azd environment name (tags).')
param environmentName string

// Registered name of the Event Grid trigger in functions/events/acr-eventgrid.ts.
var functionName = 'acrEventGrid'
var abbrs = loadJsonContent('./abbreviations.json')
var tags = { 'azd-env-name': environmentName }
var acrSubscriptionId = split(acrResourceId, '/')[2]
var acrResourceGroup = split(acrResourceId, '/')[4]
var acrName = last(split(acrResourceId, '/'))
var systemTopicName = '${abbrs.eventGridSystemTopics}${acrName}'
var eventSubscriptionName = '${abbrs.eventGridEventSubscriptions}gantry-${environmentName}'

module topic 'app/acr-topic.bicep' = {
  name: 'gantry-acr-topic'
  scope: resourceGroup(acrSubscriptionId, acrResourceGroup)
  params: {
    registryName: acrName
    systemTopicName: systemTopicName
    tags: tags
  }
}

// The topic's system identity writes dead letters: Blob Data Contributor on the Gantry account.
module deadLetterRole 'app/deadletter-role.bicep' = {
  name: 'gantry-acr-deadletter-role'
  scope: resourceGroup(split(storageAccountId, '/')[2], split(storageAccountId, '/')[4])
  params: {
    storageAccountName: last(split(storageAccountId, '/'))
    principalId: topic.outputs.principalId
  }
}

module subscriptionToFunction 'app/acr-subscription.bicep' = {
  name: 'gantry-acr-subscription'
  scope: resourceGroup(acrSubscriptionId, acrResourceGroup)
  dependsOn: [deadLetterRole]
  params: {
    systemTopicName: topic.outputs.name
    eventSubscriptionName: eventSubscriptionName
    functionResourceId: '${functionAppId}/functions/${functionName}'
    storageAccountId: storageAccountId
    deadLetterContainerName: deadLetterContainerName
  }
}

output GANTRY_ACR_SYSTEM_TOPIC string = topic.outputs.name
