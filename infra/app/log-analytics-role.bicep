// Log Analytics Reader on the workspace behind the teams' workspace-based Application Insights: the
// app-insights metrics provider (canary.provider.kind: app-insights) queries it with the Gantry identity.
param workspaceName string
param principalId string

var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: workspaceName
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, logAnalyticsReader)
  scope: workspace
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
  }
}

// The workspace ID (a GUID) the Logs query API is addressed with: GANTRY_APPINSIGHTS_WORKSPACE_ID.
output customerId string = workspace.properties.customerId
