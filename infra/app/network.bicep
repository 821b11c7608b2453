// Optional private networking (main.bicep `vnetEnabled`): a VNet with a subnet delegated to the Flex
// Consumption app (outbound VNet integration) and a subnet for private endpoints, plus the private DNS
// zones those endpoints register in, linked to the VNet. Microsoft.Network has no type definitions in the
// shared reference, so test/infra lists these resources as unchecked (docs/deploy.md, "Private networking").
param name string
param location string
param tags object
@description('Address space of the VNet; peer it with the AKS VNet, so the ranges must not overlap.')
param addressPrefix string
@description('Subnet for the Function App (delegated to Microsoft.App/environments; /27 or larger).')
param appSubnetPrefix string
@description('Subnet for the private endpoints of Storage, Key Vault and Service Bus.')
param privateEndpointSubnetPrefix string

// Azure public cloud zone names (sovereign clouds use other suffixes).
var zoneNames = {
  blob: 'privatelink.blob.${environment().suffixes.storage}'
  queue: 'privatelink.queue.${environment().suffixes.storage}'
  table: 'privatelink.table.${environment().suffixes.storage}'
  vault: 'privatelink.vaultcore.azure.net'
  namespace: 'privatelink.servicebus.windows.net'
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: [addressPrefix] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: appSubnetPrefix
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
      {
        name: 'private-endpoints'
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          privateEndpointNetworkPolicies: 'Disabled'
        }
      }
    ]
  }
}

resource zones 'Microsoft.Network/privateDnsZones@2024-06-01' = [
  for zone in items(zoneNames): {
    name: zone.value
    location: 'global'
    tags: tags
  }
]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = [
  for (zone, i) in items(zoneNames): {
    parent: zones[i]
    name: '${name}-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: vnet.id }
    }
  }
]

output id string = vnet.id
output appSubnetId string = '${vnet.id}/subnets/app'
output privateEndpointSubnetId string = '${vnet.id}/subnets/private-endpoints'
output zoneIds object = {
  blob: resourceId('Microsoft.Network/privateDnsZones', zoneNames.blob)
  queue: resourceId('Microsoft.Network/privateDnsZones', zoneNames.queue)
  table: resourceId('Microsoft.Network/privateDnsZones', zoneNames.table)
  vault: resourceId('Microsoft.Network/privateDnsZones', zoneNames.vault)
  namespace: resourceId('Microsoft.Network/privateDnsZones', zoneNames.namespace)
}
