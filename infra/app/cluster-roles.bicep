// Roles on one existing target AKS cluster: Cluster User (kubeconfig) + RBAC Writer (Kubernetes objects;
// needs Azure RBAC for Kubernetes authorisation on the cluster). Cluster scope; see docs/deploy.md for
// narrowing the writer role to namespaces.
param clusterName string
param principalId string

var aksClusterUser = '4abbcc35-e782-43d8-92c5-2d3f1bd2253f'
var aksRbacWriter = 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb'
var clusterRoles = [
  aksClusterUser
  aksRbacWriter
]

resource cluster 'Microsoft.ContainerService/managedClusters@2026-05-01' existing = {
  name: clusterName
}

resource assignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for roleId in clusterRoles: {
    name: guid(cluster.id, principalId, roleId)
    scope: cluster
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleId)
    }
  }
]
