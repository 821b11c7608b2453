// One direction of a VNet peering (deployed twice: Gantry -> peer in Gantry's group, peer -> Gantry in the
// peer's group), so the Function App reaches a private AKS API server and an in-cluster Argo CD.
param localVnetName string
param remoteVnetId string
param name string

resource local 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: localVnetName
}

resource peering 'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01' = {
  parent: local
  name: name
  properties: {
    remoteVirtualNetwork: { id: remoteVnetId }
    allowVirtualNetworkAccess: true
    allowForwardedTraffic: false
    allowGatewayTransit: false
    useRemoteGateways: false
  }
}
