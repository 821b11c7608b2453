// App Service authentication (Easy Auth) for the Gantry Function App, Microsoft Entra provider.
// Every request must be authenticated; unauthenticated ones get 401 (no redirect: the API, the CLI and the
// dashboard's fetches all need a status they can act on). Browsers sign in explicitly at
// /.auth/login/aad?post_login_redirect_uri=/api/dashboard (azd output GANTRY_DASHBOARD_SIGNIN_URL).
// Excluded: exactly the routes that authenticate themselves; test/infra checks them against functions/.
param functionAppName string
@description('Client id of the Gantry app registration (entra.bicep).')
param clientId string
@description('Application ID URI of the app registration (v1 tokens carry it as audience).')
param identifierUri string

var excludedPaths = [
  '/api/webhooks/github' // GitHub: HMAC-SHA256 of the body with GANTRY_GITHUB_WEBHOOK_SECRET
  '/api/webhooks/acr' // ACR native webhook: x-acr-key header = GANTRY_ACR_WEBHOOK_SECRET
  '/api/webhooks/alertmanager' // Alertmanager: bearer token or basic auth = GANTRY_ALERTMANAGER_TOKEN
  '/api/webhooks/azure-monitor' // Azure Monitor action group: ?token= GANTRY_AZURE_MONITOR_SECRET
  '/runtime/webhooks/eventgrid' // Event Grid extension: the eventgrid_extension system key (host-checked)
  '/api/chat/slack/commands' // Slack slash command: v0 HMAC-SHA256 with GANTRY_SLACK_SIGNING_SECRET
  '/api/chat/slack/interactions' // Slack buttons: the same signature
]

resource functionApp 'Microsoft.Web/sites@2025-03-01' existing = {
  name: functionAppName
}

resource auth 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: excludedPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: clientId
        }
        validation: {
          // Browser sessions (ID token) and v2 access tokens carry the client id; v1 ones the URI.
          allowedAudiences: [
            clientId
            identifierUri
          ]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
      cookieExpiration: {
        convention: 'FixedTime'
        timeToExpiration: '08:00:00'
      }
      nonce: { validateNonce: true }
      allowedExternalRedirectUrls: []
    }
    httpSettings: {
      requireHttps: true
      routes: { apiPrefix: '/.auth' }
      forwardProxy: { convention: 'NoProxy' }
    }
  }
}
