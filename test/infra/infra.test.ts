import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { tableNames } from '../../shared/adapters/table-client.js';
import {
  INFRA,
  ROOT,
  bicepFiles,
  evaluateName,
  paramDefaults,
  readInfra,
  resources,
  stringArray,
  stringVars,
  varExpression,
} from './bicep.js';

const FILES = bicepFiles();
const MAIN = readInfra('main.bicep');
const abbreviations = JSON.parse(readFileSync(path.join(INFRA, 'abbreviations.json'), 'utf8')) as Record<
  string,
  string
>;

/**
 * Built-in role definition ids, the same in every tenant. Source: Azure built-in roles,
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles (as collected in the
 * project's shared research notes on Azure Functions conventions, role table).
 */
const DOCUMENTED_ROLES: Record<string, string> = {
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe': 'Storage Blob Data Contributor',
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88': 'Storage Queue Data Contributor',
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3': 'Storage Table Data Contributor',
  '3913510d-42f4-4e42-8a64-420c390055eb': 'Monitoring Metrics Publisher',
  '4633458b-17de-408a-b874-0445c86b69e6': 'Key Vault Secrets User',
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39': 'Azure Service Bus Data Sender',
  '4abbcc35-e782-43d8-92c5-2d3f1bd2253f': 'Azure Kubernetes Service Cluster User Role',
  'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb': 'Azure Kubernetes Service RBAC Writer',
  '7f951dda-4ed3-4680-a7ca-43fe172d538d': 'AcrPull',
};
/**
 * Not in the reference table: Monitoring Data Reader (Azure built-in roles list, "Monitor" section).
 * Verify with `az role definition list --name "Monitoring Data Reader" --query [].name` before relying on it.
 */
const OTHER_ROLES: Record<string, string> = {
  'b0d8363b-8ddd-447d-831f-62ca05bff136': 'Monitoring Data Reader',
  // Log Analytics Reader (Azure built-in roles, "Monitor"): the app-insights metrics provider's workspace.
  '73c42c96-874c-492b-b04d-ab87d138a893': 'Log Analytics Reader',
  // Key Vault Secrets Officer (Azure built-in roles, "Security"): the operator running the postprovision hook.
  'b86a8fe4-44ce-4948-aee5-eccb2c155cd7': 'Key Vault Secrets Officer',
};

describe('(b) role definition ids', () => {
  const guidVars = FILES.flatMap((f) => {
    const text = readInfra(f);
    return [
      ...text.matchAll(
        /^var\s+(\w+)\s*=\s*'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/gm,
      ),
    ].map((m) => ({ file: f, name: m[1] ?? '', id: m[2] ?? '' }));
  });

  it('uses only documented built-in ids', () => {
    const known = { ...DOCUMENTED_ROLES, ...OTHER_ROLES };
    expect(guidVars.filter((v) => !(v.id in known))).toEqual([]);
    expect(guidVars.length).toBeGreaterThan(0);
  });

  it('grants every role the brief asks for', () => {
    const used = new Set(guidVars.map((v) => v.id));
    for (const id of [...Object.keys(DOCUMENTED_ROLES), ...Object.keys(OTHER_ROLES)]) {
      expect(used.has(id), known(id)).toBe(true);
    }
  });

  it('assigns roles through those variables, to service principals, with deterministic names', () => {
    for (const f of FILES) {
      const text = readInfra(f);
      for (const r of resources(text).filter((x) => x.type === 'Microsoft.Authorization/roleAssignments')) {
        const m =
          /roleDefinitionId: subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (\w+)\)/.exec(
            r.body,
          );
        expect(m, `${f}:${r.symbol}`).not.toBeNull();
        const roleVar = m?.[1] ?? '';
        const direct = guidVars.some((v) => v.file === f && v.name === roleVar);
        const looped = new RegExp(`for \\w+ in (\\w+)`).exec(r.body)?.[1];
        const list = looped ? stringArrayOfVars(text, looped) : [];
        expect(direct || list.length > 0, `${f}:${r.symbol}`).toBe(true);
        // The Gantry identity is a service principal; only the operator's Secrets Officer grant varies.
        if (roleVar === 'keyVaultSecretsOfficer')
          expect(r.body).toMatch(/principalType: operatorPrincipalType/);
        else expect(r.body).toMatch(/principalType: 'ServicePrincipal'/);
        expect(r.body).toMatch(/name: guid\(/);
      }
    }
  });
});

/** The variable each role id is declared under: an id pasted under a misleading name fails. */
const ROLE_VARIABLES: Record<string, string> = {
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe',
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88',
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3',
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb',
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6',
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39',
  aksClusterUser: '4abbcc35-e782-43d8-92c5-2d3f1bd2253f',
  aksRbacWriter: 'a7ffa36f-339b-4b5c-8bdf-e2c188b2c0eb',
  monitoringDataReader: 'b0d8363b-8ddd-447d-831f-62ca05bff136',
  logAnalyticsReader: '73c42c96-874c-492b-b04d-ab87d138a893',
  acrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d',
  keyVaultSecretsOfficer: 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7',
};

describe('(b) role assignments are named and scoped after their role', () => {
  const assignments = FILES.flatMap((f) =>
    resources(readInfra(f))
      .filter((r) => r.type === 'Microsoft.Authorization/roleAssignments')
      .map((r) => ({ file: f, ...r })),
  );

  it('declares every role id under the variable named after the role', () => {
    for (const f of FILES) {
      for (const m of readInfra(f).matchAll(/^var\s+(\w+)\s*=\s*'([0-9a-f-]{36})'/gm)) {
        expect(ROLE_VARIABLES[m[1] ?? ''], `${f}: var ${m[1]}`).toBe(m[2]);
      }
    }
  });

  it('scopes each assignment to one resource (never the whole resource group) and names it from that scope', () => {
    expect(assignments.length).toBeGreaterThanOrEqual(7);
    for (const r of assignments) {
      const scope = /^\s*scope: (\w+)\s*$/m.exec(r.body)?.[1];
      expect(scope, `${r.file}:${r.symbol}`).toBeDefined();
      expect(r.body, `${r.file}:${r.symbol}`).toMatch(
        new RegExp(`name: guid\\(${scope}\\.id, (?:principalId|operatorPrincipalId), \\w+\\)`),
      );
    }
  });
});

function known(id: string): string {
  return DOCUMENTED_ROLES[id] ?? OTHER_ROLES[id] ?? id;
}

/** Variables listed in an array variable such as `var dataRoles = [ a \n b ]`. */
function stringArrayOfVars(text: string, name: string): string[] {
  const literal = varExpression(text, name);
  return [...literal.matchAll(/^\s*(\w+)\s*$/gm)].map((m) => m[1] ?? '');
}

describe('(c) resource names follow Azure naming rules', () => {
  const vars = stringVars(MAIN);
  const sample = (environmentName: string): Record<string, string> => ({
    environmentName,
    // uniqueString() yields 13 lower-case base-32 characters; any such sample exercises the lengths.
    resourceToken: 'abcdefghij234',
  });
  const name = (v: string, env: string): string => {
    const literal = vars.get(v);
    if (literal === undefined) throw new Error(`var ${v} not found in main.bicep`);
    return evaluateName(literal, { abbreviations, vars, values: sample(env) });
  };
  const RULES: Record<string, RegExp> = {
    storageAccountName: /^[a-z0-9]{3,24}$/,
    keyVaultName: /^(?=.{3,24}$)[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z0-9]+)*$/,
    serviceBusNamespaceName: /^(?=.{6,50}$)[a-zA-Z][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    functionAppName: /^(?=.{2,60}$)[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    planName: /^(?=.{1,60}$)[a-zA-Z0-9-]+$/,
    identityName: /^(?=.{3,128}$)[a-zA-Z0-9][a-zA-Z0-9_-]*$/,
    logAnalyticsName: /^(?=.{4,63}$)[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]$/,
    appInsightsName: /^(?=.{1,260}$)[^%&\\?/]+$/,
    resourceGroupName: /^(?=.{1,90}$)[-\w.()]*[-\w()]$/,
    // Blob containers: 3-63, lower-case letters, digits and single hyphens.
    deploymentContainerName: /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/,
    deadLetterContainerName: /^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$/,
    vnetName: /^(?=.{2,64}$)[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9_]$/,
    // Graph uniqueName, also the tail of the application ID URI api://<tenant id>/<name> (≤ 120 characters).
    appUniqueName: /^(?=.{1,77}$)[a-z0-9-]+$/,
  };

  for (const env of ['dev', 'gantry-prod-westeurope']) {
    it(`names with environment "${env}"`, () => {
      for (const [v, rule] of Object.entries(RULES)) expect(name(v, env), v).toMatch(rule);
    });
  }

  it('keeps the storage account, Key Vault and Entra app names within limits for any environment name length', () => {
    const long = 'x'.repeat(64);
    expect(name('storageAccountName', long)).toMatch(RULES.storageAccountName ?? /$^/);
    expect(name('keyVaultName', long)).toMatch(RULES.keyVaultName ?? /$^/);
    expect(name('appUniqueName', long)).toMatch(RULES.appUniqueName ?? /$^/);
  });

  it('creates the Gantry tables the app uses, with valid names', () => {
    const storage = readInfra('app/storage.bicep');
    const suffixes = stringArray(varExpression(storage, 'gantryTableSuffixes'));
    const prefix = paramDefaults(MAIN).get('tablePrefix') ?? '';
    const names = suffixes.map((s) => `${prefix}${s}`);
    expect(names.sort()).toEqual(Object.values(tableNames(prefix)).sort());
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9]{2,62}$/);
  });
});

describe('(d) ACR Event Grid subscription', () => {
  const subscription = readInfra('app/acr-subscription.bicep');
  const stage2 = readInfra('eventgrid.bicep');

  it('delivers ImagePushed and ImageDeleted', () => {
    const filter = /includedEventTypes:\s*(\[[^\]]*\])/.exec(subscription)?.[1] ?? '';
    expect(stringArray(filter)).toEqual(
      expect.arrayContaining([
        'Microsoft.ContainerRegistry.ImagePushed',
        'Microsoft.ContainerRegistry.ImageDeleted',
      ]),
    );
  });

  it('targets the registered Event Grid function, with retries and dead-lettering', () => {
    const source = readFileSync(path.join(ROOT, 'functions/events/acr-eventgrid.ts'), 'utf8');
    const registered = /\.eventGrid\('(\w+)'/.exec(source)?.[1];
    expect(registered).toBeDefined();
    expect(stage2).toContain(`var functionName = '${registered}'`);
    expect(stage2).toMatch(/functionResourceId: '\$\{functionAppId\}\/functions\/\$\{functionName\}'/);
    expect(subscription).toMatch(/endpointType: 'AzureFunction'/);
    expect(subscription).toMatch(
      /retryPolicy: \{\s*maxDeliveryAttempts: \d+\s*eventTimeToLiveInMinutes: \d+/,
    );
    expect(subscription).toMatch(/deadLetterWithResourceIdentity:[\s\S]*endpointType: 'StorageBlob'/);
    expect(readInfra('app/acr-topic.bicep')).toMatch(/topicType: 'Microsoft\.ContainerRegistry\.Registries'/);
  });

  it('is deployed after the code (azd postdeploy), never by stage 1', () => {
    const stage1 = [MAIN, ...FILES.filter((f) => f.startsWith('app/')).map((f) => readInfra(f))];
    const modules = [...MAIN.matchAll(/^module\s+\w+\s+'([^']+)'/gm)].map((m) => m[1]);
    expect(modules).not.toContain('app/acr-subscription.bicep');
    expect(modules).not.toContain('app/acr-topic.bicep');
    expect(stage1.filter((t) => /eventSubscriptions@/.test(t))).toHaveLength(1); // the stage-2 module only
    const azure = parseYaml(readFileSync(path.join(ROOT, 'azure.yaml'), 'utf8')) as {
      hooks?: { postdeploy?: { posix?: { run?: string }; windows?: { run?: string } } };
    };
    const posix = azure.hooks?.postdeploy?.posix?.run ?? '';
    const windows = azure.hooks?.postdeploy?.windows?.run ?? '';
    for (const script of [posix, windows]) {
      expect(script).not.toBe('');
      const text = readFileSync(path.join(ROOT, script), 'utf8');
      expect(text).toContain('infra/eventgrid.bicep');
      for (const output of [
        'AZURE_FUNCTION_APP_ID',
        'AZURE_STORAGE_ACCOUNT_ID',
        'GANTRY_DEADLETTER_CONTAINER',
      ]) {
        expect(text).toContain(output);
        expect(MAIN).toMatch(new RegExp(`^output ${output} string`, 'm'));
      }
    }
  });
});

/**
 * Latest GA and previous GA per provider type, from Azure/bicep-types-az (snapshot of August 2026; the
 * latest ones are those of ../shared/reference/azure-types, which types.test.ts checks against).
 */
const API_VERSIONS: Record<string, string[]> = {
  'Microsoft.Web/serverfarms': ['2025-03-01', '2024-11-01'],
  'Microsoft.Web/sites': ['2025-03-01', '2024-11-01'],
  'Microsoft.Storage/storageAccounts': ['2026-04-01', '2025-08-01'],
  'Microsoft.KeyVault/vaults': ['2026-02-01', '2025-05-01'],
  'Microsoft.ServiceBus/namespaces': ['2026-01-01', '2024-01-01'],
  'Microsoft.EventGrid/systemTopics': ['2025-02-15', '2022-06-15'],
  'Microsoft.ContainerRegistry/registries': ['2025-11-01', '2025-04-01'],
  'Microsoft.ContainerService/managedClusters': ['2026-05-01', '2026-04-01'],
  'Microsoft.Insights/components': ['2020-02-02'],
  'Microsoft.OperationalInsights/workspaces': ['2026-03-01', '2025-07-01'],
  'Microsoft.ManagedIdentity/userAssignedIdentities': ['2024-11-30', '2023-01-31'],
  'Microsoft.Authorization/roleAssignments': ['2022-04-01'],
  'Microsoft.Resources/resourceGroups': ['2025-04-01', '2025-03-01'],
  // Microsoft Graph Bicep extension v1.0 (extension version 1.0.0, infra/bicepconfig.json).
  'Microsoft.Graph/applications': ['v1.0'],
  'Microsoft.Graph/servicePrincipals': ['v1.0'],
  'Microsoft.Graph/appRoleAssignedTo': ['v1.0'],
};
/**
 * Not in the reference either (no Microsoft.Network types in ../shared/reference/azure-types): private
 * networking only. Verify with `az provider show -n Microsoft.Network --query
 * "resourceTypes[?resourceType=='virtualNetworks'].apiVersions"` before the first private deployment.
 */
const NETWORK_API_VERSIONS: Record<string, string[]> = {
  'Microsoft.Network/virtualNetworks': ['2024-05-01'],
  'Microsoft.Network/privateEndpoints': ['2024-05-01'],
  'Microsoft.Network/privateDnsZones': ['2024-06-01'],
};
Object.assign(API_VERSIONS, NETWORK_API_VERSIONS);
/** Not in the reference: looked up only (`existing`), never deployed. Verify before relying on it. */
const EXISTING_ONLY: Record<string, string[]> = {
  'Microsoft.Monitor/accounts': ['2023-04-03'],
};

describe('(e) API versions', () => {
  const all = FILES.flatMap((f) => resources(readInfra(f)).map((r) => ({ file: f, ...r })));

  it('finds the resources', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('uses a version listed in the reference for every resource type', () => {
    for (const r of all) {
      const [provider, type] = r.type.split('/');
      const top = `${provider}/${type}`;
      const allowed = API_VERSIONS[top] ?? (r.existing ? EXISTING_ONLY[top] : undefined);
      expect(allowed, `${r.file}: ${r.type}`).toBeDefined();
      expect(allowed, `${r.file}: ${r.type}@${r.apiVersion}`).toContain(r.apiVersion);
    }
  });

  it('uses the latest GA version for resources it deploys', () => {
    for (const r of all.filter((x) => !x.existing)) {
      const [provider, type] = r.type.split('/');
      expect(r.apiVersion, `${r.file}: ${r.type}`).toBe(API_VERSIONS[`${provider}/${type}`]?.[0]);
    }
  });
});
