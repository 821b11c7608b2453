// Private networking for Gantry (main.bicep `vnetEnabled`): the VNet and DNS zones (network.bicep), private
// endpoints for Storage (blob, queue, table), Key Vault and Service Bus, peering both ways with each AKS
// VNet, and links from existing private DNS zones (private AKS API server, Argo CD) to the Gantry VNet.
param vnetName string
param location string
param tags object
@description('Makes deployment names unique per environment in groups Gantry shares with others.')
param resourceToken string
param addressPrefix string
param appSubnetPrefix string
param privateEndpointSubnetPrefix string
param storageAccountId string
param keyVaultId string
param serviceBusNamespaceId string
@description('Resource ids of the VNets to peer with (the AKS VNets).')
param peerVnetIds array = []
@description('Resource ids of existing private DNS zones to link to the Gantry VNet.')
param privateDnsZoneIds array = []

var abbrs = loadJsonContent('../abbreviations.json')
var storagePrivateGroups = [
  'blob'
  'queue'
  'table'
]

module network 'network.bicep' = {
  name: 'network'
  params: {
    name: vnetName
    location: location
    tags: tags
    addressPrefix: addressPrefix
    appSubnetPrefix: appSubnetPrefix
    privateEndpointSubnetPrefix: privateEndpointSubnetPrefix
  }
}

var endpoints = concat(
  map(storagePrivateGroups, group => { target: storageAccountId, group: group }),
  [
    { target: keyVaultId, group: 'vault' }
    { target: serviceBusNamespaceId, group: 'namespace' }
  ]
)

module privateEndpoints 'private-endpoint.bicep' = [
  for e in endpoints: {
    name: 'pe-${e.group}'
    params: {
      name: '${abbrs.networkPrivateEndpoints}${last(split(e.target, '/'))}-${e.group}'
      location: location
      tags: tags
      subnetId: network.outputs.privateEndpointSubnetId
      targetId: e.target
      groupId: e.group
      zoneId: network.outputs.zoneIds[e.group]
    }
  }
]

// Peering both ways with each AKS VNet: Gantry's side here, the peer's side in the peer's group.
module peeringsOut 'vnet-peering.bicep' = [
  for (peer, i) in peerVnetIds: {
    name: 'peering-out-${i}'
    dependsOn: [network] // names the VNet by name only
    params: {
      localVnetName: vnetName
      remoteVnetId: peer
      name: 'to-${last(split(peer, '/'))}'
    }
  }
]

module peeringsBack 'vnet-peering.bicep' = [
  for (peer, i) in peerVnetIds: {
    name: 'gantry-peering-${resourceToken}-${i}'
    scope: resourceGroup(split(peer, '/')[2], split(peer, '/')[4])
    params: {
      localVnetName: last(split(peer, '/'))
      remoteVnetId: network.outputs.id
      name: 'to-${vnetName}'
    }
  }
]

module dnsLinks 'dns-link.bicep' = [
  for (zoneId, i) in privateDnsZoneIds: {
    name: 'gantry-dns-link-${resourceToken}-${i}'
    scope: resourceGroup(split(zoneId, '/')[2], split(zoneId, '/')[4])
    params: {
      zoneName: last(split(zoneId, '/'))
      vnetId: network.outputs.id
      linkName: vnetName
    }
  }
]

output id string = network.outputs.id
output appSubnetId string = network.outputs.appSubnetId
