import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAzureTypes } from './azure-types.js';
import { INFRA, bicepFiles } from './bicep.js';
import { checkBicepFile, type Finding, type ResourceInfo } from './resource-check.js';

/**
 * Every resource in infra/**\/*.bicep against the Bicep compiler's own type definitions
 * (../shared/reference/azure-types): unknown properties, wrong literal types or enum values, read-only
 * properties set, required properties missing. Findings name file, line and property path.
 */

const types = loadAzureTypes();
const read = (f: string): string => readFileSync(path.join(INFRA, f), 'utf8');
const reports = bicepFiles().map((f) => checkBicepFile(f, read(f), types, INFRA));
const format = (p: Finding): string => `${p.file}:${p.line} ${p.path}: ${p.message}`;

/**
 * Resource types with no definitions in the shared folder (its README lists what was copied): reported as
 * unchecked, listed here one by one so a new unchecked type fails until it is acknowledged.
 */
const UNCHECKED: string[] = [
  // Microsoft.Network (private networking, infra/app/network.bicep and friends): not in the shared folder.
  'Microsoft.Network/virtualNetworks@2024-05-01',
  'Microsoft.Network/virtualNetworks/virtualNetworkPeerings@2024-05-01',
  'Microsoft.Network/privateEndpoints@2024-05-01',
  'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01',
  'Microsoft.Network/privateDnsZones@2024-06-01',
  'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01',
];

describe('infra against the Azure type definitions', () => {
  const all: ResourceInfo[] = reports.flatMap((r) => r.resources);

  it('finds no problem in any file', () => {
    expect(reports.flatMap((r) => r.problems).map(format)).toEqual([]);
  });

  it('checks the body of every deployed resource; existing ones only by type', () => {
    expect(all.filter((r) => !r.existing).length).toBeGreaterThan(20);
    for (const r of all) {
      if (r.status === 'unchecked') continue;
      expect(types.resource(r.type), `${r.file}:${r.line} ${r.type}`).toBeDefined();
      expect(r.status, `${r.file}:${r.line} ${r.symbol}`).toBe(r.existing ? 'existing' : 'checked');
    }
  });

  it('lists exactly the resource types it cannot check', () => {
    const unchecked = [...new Set(all.filter((r) => r.status === 'unchecked').map((r) => r.type))].sort();
    expect(unchecked).toEqual([...UNCHECKED].sort());
    for (const t of UNCHECKED) expect(types.knowsNamespace(t), t).toBe(false);
  });
});

describe('a misspelled property in a fixture copy of a real module', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gantry-infra-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails with the file, line and property path', () => {
    const original = read('app/functionapp.bicep');
    const broken = original.replace('    httpsOnly: true\n', '    httpsOnyl: true\n');
    expect(broken).not.toBe(original);
    const fixture = path.join(dir, 'functionapp.bicep');
    writeFileSync(fixture, broken);
    const line = broken.split('\n').findIndex((l) => l.includes('httpsOnyl')) + 1;
    const report = checkBicepFile('functionapp.bicep', readFileSync(fixture, 'utf8'), types);
    expect(report.problems.map(format)).toEqual([
      `functionapp.bicep:${line} functionApp.properties.httpsOnyl: unknown property 'httpsOnyl' in SiteProperties`,
    ]);
  });
});

/** A mutation of a real file and the finding it must produce (path and a part of the message). */
const MUTATIONS: [string, string, (t: string) => string, string, string][] = [
  [
    'wrong enum value',
    'app/functionapp.bicep',
    (t) => t.replace("ftpsState: 'Disabled'", "ftpsState: 'Disable'"),
    'functionApp.properties.siteConfig.ftpsState',
    "'Disable' is not one of 'AllAllowed' | 'FtpsOnly' | 'Disabled'",
  ],
  [
    'string for a bool',
    'app/functionapp.bicep',
    (t) => t.replace('httpsOnly: true', "httpsOnly: 'true'"),
    'functionApp.properties.httpsOnly',
    'expected a bool, found a string',
  ],
  [
    'int for a string, in a single-line object',
    'app/functionapp.bicep',
    (t) => t.replace("runtime: { name: 'node', version: '22' }", "runtime: { name: 'node', version: 22 }"),
    'functionApp.properties.functionAppConfig.runtime.version',
    'expected a string, found an int',
  ],
  [
    'read-only property set',
    'app/functionapp.bicep',
    (t) => t.replace('    httpsOnly: true\n', "    httpsOnly: true\n    defaultHostName: 'x'\n"),
    'functionApp.properties.defaultHostName',
    "read-only property 'defaultHostName' must not be set",
  ],
  [
    'array item of the wrong shape',
    'app/functionapp.bicep',
    (t) => t.replace("name: 'durable'", "nmae: 'durable'"),
    'functionApp.properties.functionAppConfig.scaleAndConcurrency.alwaysReady[0].nmae',
    "unknown property 'nmae'",
  ],
  [
    'missing required property in a resource loop',
    'app/storage.bicep',
    (t) => t.replace(/(dataRoleAssignments[\s\S]*?)\n\s*principalId: principalId\n/, '$1\n'),
    'dataRoleAssignments.properties',
    "missing required property 'principalId'",
  ],
  [
    'unknown discriminator value (sites/config name)',
    'app/functionapp.bicep',
    (t) => t.replace("name: 'appsettings'", "name: 'appSettings'"),
    'settings.name',
    "'appSettings' is not one of appsettings, authsettings, authsettingsV2",
  ],
  [
    'case-only misspelling, with a hint',
    'app/keyvault.bicep',
    (t) => t.replace('enableRbacAuthorization: true', 'enableRBACAuthorization: true'),
    'vault.properties.enableRBACAuthorization',
    "(did you mean 'enableRbacAuthorization'?)",
  ],
  [
    'wrong value inside a referenced variable',
    'app/servicebus.bicep',
    (t) =>
      t
        .replace("{ name: 'Standard', tier: 'Standard' }", 'sbSku')
        .replace('var serviceBusDataSender', "var sbSku = { name: 'Standrd' }\nvar serviceBusDataSender"),
    'namespace.sku.name',
    "'Standrd' is not one of 'Basic' | 'Standard' | 'Premium'",
  ],
  [
    'a literal branch of a ternary',
    'app/storage.bicep',
    (t) => t.replace("accessTier: 'Hot'", "accessTier: empty(name) ? 'Hot' : 'Warm'"),
    'storage.properties.accessTier',
    "'Warm' is not one of",
  ],
  [
    'unknown property in a conditional resource',
    'app/monitoring.bicep',
    (t) =>
      t
        .replace(
          "resource appInsights 'Microsoft.Insights/components@2020-02-02' = {",
          "resource appInsights 'Microsoft.Insights/components@2020-02-02' = if (!empty(location)) {",
        )
        .replace('DisableLocalAuth: true', 'DisableLocalAuth: true\n    Retention: 30'),
    'appInsights.properties.Retention',
    "unknown property 'Retention'",
  ],
  [
    'unknown API version',
    'app/identity.bicep',
    (t) => t.replace('userAssignedIdentities@2024-11-30', 'userAssignedIdentities@2099-01-01'),
    'identity',
    'unknown resource type or API version Microsoft.ManagedIdentity/userAssignedIdentities@2099-01-01',
  ],
  [
    'unknown variant of a nested discriminated object (Event Grid destination)',
    'app/acr-subscription.bicep',
    (t) => t.replace("endpointType: 'AzureFunction'", "endpointType: 'AzureFunctions'"),
    'subscriptionToFunction.properties.destination.endpointType',
    "'AzureFunctions' is not one of",
  ],
  [
    'unknown property of the chosen variant',
    'app/acr-subscription.bicep',
    (t) => t.replace('maxEventsPerBatch: 1', 'maxEventsPerBtch: 1'),
    'subscriptionToFunction.properties.destination.properties.maxEventsPerBtch',
    "unknown property 'maxEventsPerBtch'",
  ],
  [
    'wrong enum inside authsettingsV2',
    'app/auth.bicep',
    (t) => t.replace("unauthenticatedClientAction: 'Return401'", "unauthenticatedClientAction: 'Return402'"),
    'auth.properties.globalValidation.unauthenticatedClientAction',
    "'Return402' is not one of 'RedirectToLoginPage' | 'AllowAnonymous' | 'Return401' | 'Return403'",
  ],
  [
    'misspelled property of a Microsoft Graph application',
    'app/entra.bicep',
    (t) => t.replace("signInAudience: 'AzureADMyOrg'", "signinAudience: 'AzureADMyOrg'"),
    'app.signinAudience',
    "unknown property 'signinAudience' in Microsoft.Graph/applications (did you mean 'signInAudience'?)",
  ],
  [
    'missing required property of a Microsoft Graph resource',
    'app/entra.bicep',
    (t) => t.replace('    principalId: g.principalId\n', ''),
    'roleGrants',
    "missing required property 'principalId' (Microsoft.Graph/appRoleAssignedTo)",
  ],
  [
    'read-only property of a Microsoft Graph resource',
    'app/entra.bicep',
    (t) => t.replace('  uniqueName: uniqueName\n', "  uniqueName: uniqueName\n  appId: 'x'\n"),
    'app.appId',
    "read-only property 'appId' must not be set",
  ],
  [
    "module argument outside the parameter's @allowed list",
    'main.bicep',
    (t) => t.replace('operatorPrincipalType: principalType', "operatorPrincipalType: 'Users'"),
    'keyVault.params.operatorPrincipalType',
    '"Users" is not allowed ("User", "ServicePrincipal", "Group")',
  ],
  [
    'unknown module parameter',
    'main.bicep',
    (t) =>
      t.replace(
        '    principalId: identity.outputs.principalId\n  }\n}\n\nmodule storage',
        '    principalId: identity.outputs.principalId\n    retention: 30\n  }\n}\n\nmodule storage',
      ),
    'monitoring.params.retention',
    "app/monitoring.bicep has no parameter 'retention'",
  ],
];

describe('each kind of mistake is reported', () => {
  it.each(MUTATIONS)('%s', (_, file, mutate, where, message) => {
    const original = read(file);
    const text = mutate(original);
    expect(text).not.toBe(original);
    const problems = checkBicepFile(file, text, types, INFRA).problems;
    const hit = problems.find((p) => p.path === where);
    expect(hit, problems.map(format).join('\n') || 'no problem reported').toBeDefined();
    expect(hit?.message).toContain(message);
    expect(hit?.file).toBe(file);
    expect(hit?.line).toBeGreaterThan(0);
  });

  it('checks a nested child resource against its parent type', () => {
    const text = [
      "resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {",
      "  name: 'kv'",
      "  location: 'westeurope'",
      "  properties: { tenantId: tenant().tenantId, sku: { family: 'A', name: 'standard' } }",
      "  resource secret 'secrets' = {",
      "    name: 's'",
      "    properties: { contentTyp: 'text/plain' }",
      '  }',
      '}',
    ].join('\n');
    const report = checkBicepFile('nested.bicep', text, types);
    expect(report.resources.map((r) => r.type)).toEqual([
      'Microsoft.KeyVault/vaults@2026-02-01',
      'Microsoft.KeyVault/vaults/secrets@2026-02-01',
    ]);
    expect(report.problems.map(format)).toEqual([
      "nested.bicep:7 secret.properties.contentTyp: unknown property 'contentTyp' in SecretProperties",
    ]);
  });

  it('skips the body of an existing resource but not its type', () => {
    const text =
      "resource r 'Microsoft.Storage/storageAccounts@2026-04-01' existing = {\n  name: 'x'\n  bogus: 1\n}";
    const report = checkBicepFile('existing.bicep', text, types);
    expect(report.problems).toEqual([]);
    expect(report.resources[0]?.status).toBe('existing');
  });

  it('accepts values it cannot know statically, and reports a missing required property', () => {
    const text = [
      'param n string',
      "resource id 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {",
      '  name: n',
      "  location: '${n}-x'",
      '  tags: union({}, { a: n })',
      '}',
      "resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {",
      "  name: 'rg'",
      '}',
    ].join('\n');
    expect(checkBicepFile('x.bicep', text, types).problems.map(format)).toEqual([
      "x.bicep:7 rg: missing required property 'location' (Microsoft.Resources/resourceGroups)",
    ]);
  });
});
