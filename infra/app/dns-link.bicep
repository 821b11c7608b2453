// Links an existing private DNS zone (the AKS private API server's zone, or the zone holding Argo CD's
// internal name) to the Gantry VNet, so the Function App resolves those names to private addresses.
param zoneName string
param vnetId string
param linkName string

resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' existing = {
  name: zoneName
}

resource link 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: linkName
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnetId }
  }
}
