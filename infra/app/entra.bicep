// The Entra application Gantry signs users in with (App Service authentication) and the CLI gets tokens
// for: app registration, its service principal, the Gantry.* app roles and their assignments. Deployed with
// the Bicep Microsoft Graph extension (infra/bicepconfig.json), under the deploying user's own Graph rights.
extension microsoftGraphV1

@description('Stable key of the app registration (Graph uniqueName): redeploying updates the same app.')
param uniqueName string
param displayName string
@description('Host name of the Function App (sign-in callback).')
param hostName string
@description('Application ID URI, e.g. api://<tenant id>/gantry-<token> (tenant-scoped: allowed by the default policy).')
param identifierUri string
@description('Object ids (users or groups) given Gantry.Reader.')
param readers array = []
@description('Object ids (users or groups) given Gantry.Operator.')
param operators array = []
@description('Object ids (users or groups) given Gantry.Approver.')
param approvers array = []
@description('Let the Azure CLI get tokens for Gantry (`az account get-access-token`); set once the app exists.')
param preAuthorizeAzureCli bool = false

var scopeId = guid(uniqueName, 'user_impersonation')
// Graph rejects a pre-authorization naming a scope that does not exist yet, hence a second deployment.
var azureCliPreAuthorization = [
  {
    appId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46' // the Azure CLI's public client id, the same in every tenant
    delegatedPermissionIds: [scopeId]
  }
]
// Role values are what the `roles` claim carries and what shared/app/principal.ts checks.
var roles = [
  {
    value: 'Gantry.Reader'
    displayName: 'Gantry reader'
    description: 'Read deployments, services, releases and metrics.'
  }
  {
    value: 'Gantry.Operator'
    displayName: 'Gantry operator'
    description: 'Trigger, cancel, abort, resume, retry, roll back and re-judge deployments.'
  }
  {
    value: 'Gantry.Approver'
    displayName: 'Gantry approver'
    description: 'Approve or reject deployments waiting for approval (with the policy reviewer groups).'
  }
]
var grants = flatten([
  map(readers, p => { principalId: p, role: 'Gantry.Reader' })
  map(operators, p => { principalId: p, role: 'Gantry.Operator' })
  map(approvers, p => { principalId: p, role: 'Gantry.Approver' })
])

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: displayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: [identifierUri]
  // `groups` claim = object ids of the groups assigned to this app only: the pipeline's approval
  // reviewers name those ids, and few groups means no overage (a token lists at most a handful).
  groupMembershipClaims: 'ApplicationGroup'
  appRoles: [
    for r in roles: {
      id: guid(uniqueName, r.value)
      value: r.value
      displayName: r.displayName
      description: r.description
      allowedMemberTypes: ['User', 'Application']
      isEnabled: true
    }
  ]
  api: {
    // v2 access tokens: `aud` is the client id, the issuer the v2.0 endpoint App Service validates.
    requestedAccessTokenVersion: 2
    oauth2PermissionScopes: [
      {
        id: scopeId
        value: 'user_impersonation'
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Use Gantry'
        adminConsentDescription: 'Call the Gantry API as the signed-in user (roles still apply).'
        userConsentDisplayName: 'Use Gantry'
        userConsentDescription: 'Call the Gantry API as you (your Gantry roles still apply).'
      }
    ]
    preAuthorizedApplications: preAuthorizeAzureCli ? azureCliPreAuthorization : []
  }
  // Dashboard sign-in through App Service authentication: ID token only, no client secret to manage.
  web: {
    redirectUris: ['https://${hostName}/.auth/login/aad/callback']
    implicitGrantSettings: {
      enableIdTokenIssuance: true
      enableAccessTokenIssuance: false
    }
  }
  // `gantry login`: device code (and browser on localhost) with this app as a public client.
  publicClient: {
    redirectUris: ['http://localhost']
  }
  isFallbackPublicClient: true
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: app.appId
  // Only users and groups given a Gantry role can sign in at all.
  appRoleAssignmentRequired: true
}

resource roleGrants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for g in grants: {
    appRoleId: guid(uniqueName, g.role)
    principalId: g.principalId
    resourceId: servicePrincipal.id
  }
]

output clientId string = app.appId
output identifierUri string = identifierUri
output scope string = '${identifierUri}/user_impersonation'
output servicePrincipalId string = servicePrincipal.id
