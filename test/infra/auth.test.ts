import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, objectKeys, objectLiterals, readInfra, varExpression } from './bicep.js';
import { at, literal, parseInfra, render, resourcesOf, statement } from './bicep-query.js';

/**
 * App Service authentication and the Entra application, as the Bicep configures them (issue 14): what a
 * security reviewer would check by reading infra/app/auth.bicep and infra/app/entra.bicep.
 */

const AUTH = parseInfra('app/auth.bicep');
const ENTRA = parseInfra('app/entra.bicep');
const MAIN = parseInfra('main.bicep');
const settings = resourcesOf(AUTH, 'Microsoft.Web/sites/config')[0];
if (!settings) throw new Error('auth.bicep declares no sites/config');
const aad = 'properties.identityProviders.azureActiveDirectory';

/** The roles the app checks (shared/domain/roles.ts on the application side of issue 14). */
const GANTRY_ROLES = ['Gantry.Reader', 'Gantry.Operator', 'Gantry.Approver'];

interface Registration {
  file: string;
  name: string;
  route: string;
}

/** HTTP functions registered under functions/, with their routes. */
function httpRoutes(): Registration[] {
  const dir = path.join(ROOT, 'functions');
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  return files.flatMap((f) => {
    const text = readFileSync(path.join(dir, f), 'utf8');
    return [...text.matchAll(/\.http\('(\w+)',\s*\{[^}]*?route:\s*'([^']+)'/g)].map((m) => ({
      file: f,
      name: m[1] ?? '',
      route: m[2] ?? '',
    }));
  });
}

const functionsText = (f: string): string => readFileSync(path.join(ROOT, 'functions', f), 'utf8');
const routePrefix = (
  JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as {
    extensions: { http: { routePrefix: string } };
  }
).extensions.http.routePrefix;

describe('App Service authentication (authsettingsV2)', () => {
  it('configures authsettingsV2 on the Gantry Function App', () => {
    expect(literal(at(settings, 'name'))).toBe('authsettingsV2');
    expect(render(at(settings, 'parent'))).toBe('functionApp');
    const site = resourcesOf(AUTH, 'Microsoft.Web/sites')[0];
    expect(site?.existing).toBe(true);
    expect(render(at(site ?? settings, 'name'))).toBe('functionAppName');
    expect(statement(MAIN, 'module', 'auth').path).toBe('app/auth.bicep');
  });

  it('requires authentication and answers 401, never a redirect', () => {
    expect(literal(at(settings, 'properties.platform.enabled'))).toBe(true);
    expect(literal(at(settings, 'properties.globalValidation.requireAuthentication'))).toBe(true);
    expect(literal(at(settings, 'properties.globalValidation.unauthenticatedClientAction'))).toBe(
      'Return401',
    );
    expect(at(settings, 'properties.globalValidation.redirectToProvider')).toBeUndefined();
    expect(literal(at(settings, 'properties.httpSettings.requireHttps'))).toBe(true);
  });

  it('keeps no tokens and lets sign-in return only to the app itself', () => {
    expect(literal(at(settings, 'properties.login.tokenStore.enabled'))).toBe(false);
    expect(literal(at(settings, 'properties.login.allowedExternalRedirectUrls'))).toEqual([]);
    expect(literal(at(settings, 'properties.login.nonce.validateNonce'))).toBe(true);
  });

  it('uses the Entra provider of this tenant, with the app registration and the CLI audiences', () => {
    expect(literal(at(settings, `${aad}.enabled`))).toBe(true);
    expect(render(at(settings, `${aad}.registration.clientId`))).toBe('clientId');
    expect(render(at(settings, `${aad}.registration.openIdIssuer`))).toBe(
      "'${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'",
    );
    // No client secret: the browser flow asks for an ID token only, nothing to store or rotate.
    expect(at(settings, `${aad}.registration.clientSecretSettingName`)).toBeUndefined();
    const audiences = at(settings, `${aad}.validation.allowedAudiences`);
    expect(audiences?.kind === 'array' ? audiences.items.map(render) : []).toEqual([
      'clientId',
      'identifierUri',
    ]);
    const module = statement(MAIN, 'module', 'auth');
    expect(render(at(module.value, 'params.clientId'))).toBe('entra.outputs.clientId');
    expect(render(at(module.value, 'params.identifierUri'))).toBe('entra.outputs.identifierUri');
  });

  it('excludes exactly the routes that authenticate themselves, and nothing else', () => {
    const excluded = literal(statement(AUTH, 'var', 'excludedPaths').value) as string[];
    expect(render(at(settings, 'properties.globalValidation.excludedPaths'))).toBe('excludedPaths');
    const webhooks = httpRoutes().filter(
      (r) => r.route.startsWith('webhooks/') || r.route.startsWith('chat/slack/'),
    );
    const eventGrid = /\.eventGrid\('/.test(functionsText('events/acr-eventgrid.ts'));
    const expected = [
      ...webhooks.map((r) => `/${routePrefix}/${r.route}`),
      ...(eventGrid ? ['/runtime/webhooks/eventgrid'] : []),
    ];
    expect([...excluded].sort()).toEqual(expected.sort());
    expect(excluded).toEqual([
      '/api/webhooks/github',
      '/api/webhooks/acr',
      '/api/webhooks/alertmanager',
      '/api/webhooks/azure-monitor',
      '/runtime/webhooks/eventgrid',
      '/api/chat/slack/commands',
      '/api/chat/slack/interactions',
    ]);
  });

  it('excludes routes only whose handlers verify the caller themselves', () => {
    const routes = httpRoutes();
    const github = routes.find((r) => r.route === 'webhooks/github');
    const acr = routes.find((r) => r.route === 'webhooks/acr');
    expect(github?.file).toBe('http/webhooks.ts');
    expect(acr?.file).toBe('http/webhooks.ts');
    // GitHub: HMAC over the raw body before anything else; ACR: the shared secret header, else 401.
    expect(functionsText('http/github-webhook.ts')).toMatch(/verifyGitHubSignature\(/);
    expect(functionsText('http/webhooks.ts')).toMatch(
      /if \(!secret \|\| !given \|\| !sameSecret\(given, secret\)\)\s*throw new AppError\(401/,
    );
    // Slack: the v0 signature over the raw body, with a secret that must be set (else 503, never unsigned).
    const slack = functionsText('http/chat-slack.ts');
    expect(slack).toMatch(/verifySlackSignature\(/);
    expect(slack).toMatch(/if \(!secret\)\s*throw new AppError\(\s*503/);
    // Alert receivers: their credentials are checked before the body is read.
    const alerts = functionsText('http/alert-webhooks.ts');
    expect(routes.filter((r) => r.file === 'http/alert-webhooks.ts').map((r) => r.route)).toEqual([
      'webhooks/alertmanager',
      'webhooks/azure-monitor',
    ]);
    expect(alerts).toMatch(/checkAlertmanagerAuth\([\s\S]*?\);\s*const body = await readBody/);
    expect(alerts).toMatch(/checkAzureMonitorAuth\([^;]*\);\s*const body = await readBody/);
    // Every other route (the API, the dashboard, health, OpenAPI) stays behind authentication.
    const others = routes
      .filter((r) => !r.route.startsWith('webhooks/') && !r.route.startsWith('chat/slack/'))
      .map((r) => r.route);
    expect(others).toEqual(expect.arrayContaining(['deployments', 'dashboard', 'health', 'me']));
  });
});

describe('the platform signals the app trusts are left to the platform', () => {
  it('never sets WEBSITE_AUTH_ENABLED, AZURE_FUNCTIONS_ENVIRONMENT or another WEBSITE_* setting', () => {
    const literals = objectLiterals(varExpression(readInfra('app/functionapp.bicep'), 'appSettings'));
    const names = literals.flatMap((l) => objectKeys(l));
    expect(names.length).toBeGreaterThan(10);
    // The app believes principal headers only when App Service says its authentication is on, and the
    // development principal only on a development host: a setting that claimed either would forge that.
    expect(names.filter((n) => n.startsWith('WEBSITE_') || n === 'AZURE_FUNCTIONS_ENVIRONMENT')).toEqual([]);
  });
});

describe('the Entra application (Microsoft Graph Bicep extension)', () => {
  const app = resourcesOf(ENTRA, 'Microsoft.Graph/applications')[0];
  const sp = resourcesOf(ENTRA, 'Microsoft.Graph/servicePrincipals')[0];
  const grants = resourcesOf(ENTRA, 'Microsoft.Graph/appRoleAssignedTo')[0];
  if (!app || !sp || !grants) throw new Error('entra.bicep misses a Graph resource');

  it('is deployed with the Graph v1.0 extension configured in bicepconfig.json', () => {
    expect(ENTRA.statements.find((s) => s.kind === 'extension')).toMatchObject({ name: 'microsoftGraphV1' });
    const config = JSON.parse(readFileSync(path.join(ROOT, 'infra/bicepconfig.json'), 'utf8')) as {
      extensions: Record<string, string>;
    };
    // The same extension version as the type definitions the infra tests check against.
    expect(config.extensions.microsoftGraphV1).toBe(
      'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:1.0.0',
    );
  });

  it('defines the three Gantry app roles with stable ids, and assigns them by the same ids', () => {
    const roles = literal(statement(ENTRA, 'var', 'roles').value) as { value: string }[];
    expect(roles.map((r) => r.value)).toEqual(GANTRY_ROLES);
    const appRoles = at(app, 'appRoles');
    expect(appRoles?.kind).toBe('for');
    if (appRoles?.kind !== 'for') return;
    expect(render(appRoles.source)).toBe('roles');
    expect(render(at(appRoles.body, 'id'))).toBe('guid(uniqueName, r.value)');
    expect(render(at(appRoles.body, 'value'))).toBe('r.value');
    expect(render(at(grants, 'appRoleId'))).toBe('guid(uniqueName, g.role)');
    expect(render(at(grants, 'resourceId'))).toBe('servicePrincipal.id');
  });

  it('admits only users and groups given a role, in this tenant only', () => {
    expect(literal(at(sp, 'appRoleAssignmentRequired'))).toBe(true);
    expect(render(at(sp, 'appId'))).toBe('app.appId');
    expect(literal(at(app, 'signInAudience'))).toBe('AzureADMyOrg');
    // Reviewer groups reach the app as the object ids of groups assigned to it, and only those.
    expect(literal(at(app, 'groupMembershipClaims'))).toBe('ApplicationGroup');
  });

  it('signs the dashboard in through App Service authentication and the CLI as a public client', () => {
    const web = at(app, 'web.redirectUris');
    expect(web?.kind === 'array' ? web.items.map(render) : []).toEqual([
      "'https://${hostName}/.auth/login/aad/callback'",
    ]);
    expect(literal(at(app, 'web.implicitGrantSettings'))).toEqual({
      enableIdTokenIssuance: true,
      enableAccessTokenIssuance: false,
    });
    expect(literal(at(app, 'publicClient.redirectUris'))).toEqual(['http://localhost']);
    expect(literal(at(app, 'isFallbackPublicClient'))).toBe(true);
    expect(literal(at(app, 'api.requestedAccessTokenVersion'))).toBe(2);
    const scope = at(app, 'api.oauth2PermissionScopes');
    expect(scope?.kind === 'array' ? scope.items.map((s) => literal(at(s, 'value'))) : []).toEqual([
      'user_impersonation',
    ]);
  });

  it('creates no credentials: nothing secret in the deployment', () => {
    expect(at(app, 'passwordCredentials')).toBeUndefined();
    expect(at(app, 'keyCredentials')).toBeUndefined();
    expect(at(sp, 'passwordCredentials')).toBeUndefined();
  });

  it('gives the deployer Reader and Operator, and Approver only to whom it is given', () => {
    const entra = statement(MAIN, 'module', 'entra');
    expect(render(at(entra.value, 'params.readers'))).toBe('union(deployerIds, idList(gantryReaders))');
    expect(render(at(entra.value, 'params.operators'))).toBe('union(deployerIds, idList(gantryOperators))');
    expect(render(at(entra.value, 'params.approvers'))).toBe('idList(gantryApprovers)');
    expect(render(at(entra.value, 'params.hostName'))).toBe('functionApp.outputs.hostName');
  });
});
