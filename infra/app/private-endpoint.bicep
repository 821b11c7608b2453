// One private endpoint for one sub-resource (groupId: blob, queue, table, vault, namespace) in the
// private-endpoints subnet, registered in the matching private DNS zone so the public host name resolves
// to the private address inside the VNet.
param name string
param location string
param tags object
param subnetId string
@description('Resource id of the storage account, vault or Service Bus namespace.')
param targetId string
param groupId string
@description('Resource id of the privatelink DNS zone for this group.')
param zoneId string

resource endpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    subnet: { id: subnetId }
    privateLinkServiceConnections: [
      {
        name: name
        properties: {
          privateLinkServiceId: targetId
          groupIds: [groupId]
        }
      }
    ]
  }
}

resource dnsGroup 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: endpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: groupId
        properties: { privateDnsZoneId: zoneId }
      }
    ]
  }
}
