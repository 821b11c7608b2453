// Event Grid system topic on the existing ACR (same region as the registry), with a system identity
// used for dead-lettering.
param registryName string
param systemTopicName string
param tags object

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' existing = {
  name: registryName
}

resource systemTopic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: systemTopicName
  location: registry.location
  tags: tags
  identity: { type: 'SystemAssigned' }
  properties: {
    source: registry.id
    topicType: 'Microsoft.ContainerRegistry.Registries'
  }
}

output name string = systemTopic.name
output principalId string = systemTopic.identity.principalId
