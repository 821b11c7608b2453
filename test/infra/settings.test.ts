import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SETTING_NAMES } from '../../shared/config.js';
import {
  bicepFiles,
  objectKeys,
  objectLiterals,
  paramDefaults,
  readInfra,
  resources,
  ROOT,
  varExpression,
} from './bicep.js';

const FILES = bicepFiles();
const MAIN = readInfra('main.bicep');
const FUNCTION_APP = readInfra('app/functionapp.bicep');

/** App settings of the Function App module: the first object of `union(...)` is unconditional. */
function appSettings(text = FUNCTION_APP): { always: string[]; optional: string[] } {
  const literals = objectLiterals(varExpression(text, 'appSettings'));
  const [first, ...rest] = literals;
  return { always: objectKeys(first ?? '{}'), optional: rest.flatMap((l) => objectKeys(l)) };
}

/**
 * How each setting of shared/config.ts is used in Azure. Adding a setting to the schema fails this test
 * until it is classified here (and, if required, set by infra/app/functionapp.bicep).
 */
const AZURE_USE: Record<(typeof SETTING_NAMES)[number], 'required' | 'optional' | 'never'> = {
  GANTRY_CONFIG_PATH: 'required', // the default points at the example pipeline
  GANTRY_STORAGE: 'never', // a connection string; Azure uses the identity
  GANTRY_STORAGE_ACCOUNT: 'required',
  AzureWebJobsStorage: 'never', // identity-based AzureWebJobsStorage__* instead
  GANTRY_TABLE_PREFIX: 'required',
  GANTRY_DEV_PRINCIPAL: 'never', // local development only
  GANTRY_ARGOCD_URL: 'required',
  // Read from Key Vault by the adapter (GANTRY_ARGOCD_TOKEN_SECRET), cached and refreshed: a rotated Argo CD
  // token is picked up without a restart, which a Key Vault reference in a setting would need.
  GANTRY_ARGOCD_TOKEN: 'never',
  GANTRY_ARGOCD_PROJECT: 'optional',
  GANTRY_KUBE_SERVER: 'never', // clusters are reached through AKS in Azure
  GANTRY_KUBE_SERVERS: 'never', // the sandbox's clusters; AKS in Azure
  GANTRY_KUBE_TOKEN: 'never',
  GANTRY_PROMETHEUS_URL: 'optional',
  GANTRY_PROMETHEUS_AUTH: 'optional', // 'entra' whenever the URL is set
  GANTRY_PROMETHEUS_TOKEN: 'never', // managed Prometheus uses Entra auth
  GANTRY_PROMETHEUS_MODE: 'optional', // 'azure-monitor' whenever the URL is set
  GANTRY_APPINSIGHTS_WORKSPACE_ID: 'optional', // from the workspace, when appInsightsWorkspaceResourceId is set
  GANTRY_APPINSIGHTS_ENDPOINT: 'never', // the public cloud's Logs query host is the SDK default
  GANTRY_GITHUB_API_URL: 'required',
  GANTRY_GITHUB_TOKEN: 'required',
  GANTRY_GITHUB_APP_ID: 'optional', // Git write-back as a GitHub App, set by the operator
  GANTRY_GITHUB_APP_INSTALLATION_ID: 'optional',
  GANTRY_SCAN_TARGET: 'optional',
  GANTRY_SCAN_SERVICE_ACCOUNT: 'optional',
  GANTRY_ACR_WEBHOOK_SECRET: 'required',
  GANTRY_GITHUB_WEBHOOK_SECRET: 'required',
  // Slack (docs/chatops.md): Key Vault references when slackEnabled (test/infra/chat-secrets.test.ts).
  GANTRY_SLACK_BOT_TOKEN: 'optional',
  GANTRY_SLACK_SIGNING_SECRET: 'optional',
  GANTRY_SLACK_API_URL: 'optional', // the default is Slack's
  // Inbound alerts are opt-in: Key Vault references when alertmanagerEnabled / azureMonitorAlertsEnabled.
  GANTRY_ALERTMANAGER_TOKEN: 'optional',
  GANTRY_ALERTMANAGER_USERNAME: 'optional',
  GANTRY_AZURE_MONITOR_SECRET: 'optional',
  GANTRY_SMOKE_HOST_MAP: 'never', // local only
  GANTRY_REGISTRY_HOST_MAP: 'never', // local only: Azure reads https://<registry> with the identity (AcrPull)
  GANTRY_SERVICEBUS_NAMESPACE: 'required', // the namespace of infra/app/servicebus.bicep
  GANTRY_KEYVAULT_URI: 'required', // the vault of infra/app/keyvault.bicep
  GANTRY_ARGOCD_TOKEN_SECRET: 'required', // must name the vault's Argo CD secret (default agrees)
  GANTRY_PUBLIC_URL: 'optional', // chat links; WEBSITE_HOSTNAME otherwise
  WEBSITE_HOSTNAME: 'never', // set by the platform
  APPLICATIONINSIGHTS_CONNECTION_STRING: 'required', // telemetry (shared/adapters/azure-monitor.ts)
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'required', // Entra-only ingestion: export with the identity
};

/** Settings the infrastructure sets for the platform rather than for shared/config.ts, and who reads them. */
const HOST_SETTINGS: Record<string, string> = {
  AzureWebJobsStorage__credential: 'Functions host and Durable extension (identity-based storage)',
  AzureWebJobsStorage__clientId: 'Functions host and Durable extension',
  AzureWebJobsStorage__blobServiceUri: 'Functions host',
  AzureWebJobsStorage__queueServiceUri: 'Durable extension (control and work-item queues)',
  AzureWebJobsStorage__tableServiceUri: 'Durable extension (history and instances tables)',
  AZURE_CLIENT_ID: 'DefaultAzureCredential picks the user-assigned identity',
  TASKHUB_NAME: 'host.json (%TASKHUB_NAME%)',
};

/**
 * Both directions of the settings cross-check, as problems: a setting the code requires in Azure that the
 * Bicep does not set, and a setting the Bicep sets that neither the code nor the host reads.
 */
function settingsProblems(text: string): string[] {
  const { always, optional } = appSettings(text);
  const all = [...always, ...optional];
  const read = (n: string) => (SETTING_NAMES as readonly string[]).includes(n);
  const use = (n: string) => AZURE_USE[n as keyof typeof AZURE_USE];
  const problems = SETTING_NAMES.filter((n) => AZURE_USE[n] === 'required' && !always.includes(n)).map(
    (n) => `${n}: required in Azure but not set unconditionally`,
  );
  for (const n of all) {
    if (!read(n) && !(n in HOST_SETTINGS))
      problems.push(`${n}: set, but neither shared/config.ts nor the host reads it`);
    else if (use(n) === 'never') problems.push(`${n}: local-only, must not be set in Azure`);
  }
  for (const n of optional) {
    if (always.includes(n)) problems.push(`${n}: set twice`);
    else if (read(n) && use(n) !== 'optional')
      problems.push(`${n}: set conditionally but classified ${use(n)}`);
  }
  return problems;
}

describe('(a) app settings agree with shared/config.ts', () => {
  const { always, optional } = appSettings();
  const all = [...always, ...optional];

  it('classifies every schema setting', () => {
    expect(Object.keys(AZURE_USE).sort()).toEqual([...SETTING_NAMES].sort());
  });

  it('sets every setting required in Azure, unconditionally', () => {
    const required = SETTING_NAMES.filter((n) => AZURE_USE[n] === 'required');
    expect(required.filter((n) => !always.includes(n))).toEqual([]);
  });

  it('has no problem in either direction', () => {
    expect(settingsProblems(FUNCTION_APP)).toEqual([]);
  });

  it.each([
    [
      'drops a required setting',
      (t: string) => t.replace(/^\s*GANTRY_TABLE_PREFIX: tablePrefix\n/m, ''),
      'GANTRY_TABLE_PREFIX: required',
    ],
    [
      'drops the telemetry connection string',
      (t: string) => t.replace(/^\s*APPLICATIONINSIGHTS_CONNECTION_STRING: .*\n/m, ''),
      'APPLICATIONINSIGHTS_CONNECTION_STRING: required',
    ],
    [
      'sets a setting the code no longer reads',
      (t: string) =>
        t.replace('TASKHUB_NAME: taskHubName', "TASKHUB_NAME: taskHubName\n    GANTRY_OLD_QUEUE: 'q'"),
      'GANTRY_OLD_QUEUE: set, but neither',
    ],
    [
      'sets a platform setting nobody reads',
      (t: string) =>
        t.replace(
          'TASKHUB_NAME: taskHubName',
          "TASKHUB_NAME: taskHubName\n    WEBSITE_NODE_DEFAULT_VERSION: '~22'",
        ),
      'WEBSITE_NODE_DEFAULT_VERSION: set, but neither',
    ],
    [
      'sets a local-only setting',
      (t: string) =>
        t.replace('TASKHUB_NAME: taskHubName', "TASKHUB_NAME: taskHubName\n    GANTRY_DEV_PRINCIPAL: '{}'"),
      'GANTRY_DEV_PRINCIPAL: local-only',
    ],
  ])('reports it when the Bicep %s', (_, mutate, problem) => {
    const mutated = mutate(FUNCTION_APP);
    expect(mutated).not.toBe(FUNCTION_APP);
    expect(settingsProblems(mutated).join('\n')).toContain(problem);
  });

  it('lists only host settings the infrastructure sets', () => {
    for (const n of Object.keys(HOST_SETTINGS)) expect(all, n).toContain(n);
  });

  it('sets only GANTRY_* settings the schema reads, and none of the local-only ones', () => {
    const gantry = all.filter((n) => n.startsWith('GANTRY_'));
    expect(gantry.filter((n) => !(SETTING_NAMES as readonly string[]).includes(n))).toEqual([]);
    expect(all.filter((n) => AZURE_USE[n as keyof typeof AZURE_USE] === 'never')).toEqual([]);
    expect(all).not.toContain('GANTRY_SANDBOX');
  });

  it('sets optional settings only conditionally, and no setting twice', () => {
    expect(optional.filter((n) => always.includes(n))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
    for (const n of optional) expect(AZURE_USE[n as keyof typeof AZURE_USE]).toBe('optional');
  });

  it('uses identity-based host storage and no secrets in plain settings', () => {
    expect(always).toEqual(
      expect.arrayContaining([
        'AzureWebJobsStorage__credential',
        'AzureWebJobsStorage__clientId',
        'AzureWebJobsStorage__blobServiceUri',
        'AzureWebJobsStorage__queueServiceUri',
        'AzureWebJobsStorage__tableServiceUri',
        'APPLICATIONINSIGHTS_CONNECTION_STRING',
        'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
        'AZURE_CLIENT_ID',
        'TASKHUB_NAME',
      ]),
    );
    expect(all).not.toContain('AzureWebJobsStorage');
    // Flex Consumption deprecates these in favour of functionAppConfig.
    for (const n of ['FUNCTIONS_WORKER_RUNTIME', 'WEBSITE_RUN_FROM_PACKAGE', 'WEBSITE_CONTENTSHARE']) {
      expect(all).not.toContain(n);
    }
  });

  it('reads every secret through a Key Vault reference to a declared secret name', () => {
    const expression = varExpression(FUNCTION_APP, 'appSettings');
    const secretNames = objectKeys(varExpression(readInfra('app/keyvault.bicep'), 'secretNames'));
    for (const setting of [
      'GANTRY_GITHUB_TOKEN',
      'GANTRY_GITHUB_WEBHOOK_SECRET',
      'GANTRY_ACR_WEBHOOK_SECRET',
    ]) {
      const m = new RegExp(`^\\s*${setting}:\\s*kvRef\\(keyVaultUri, secretNames\\.(\\w+)\\)\\s*$`, 'm').exec(
        expression,
      );
      expect(m, setting).not.toBeNull();
      expect(secretNames).toContain(m?.[1]);
    }
    expect(FUNCTION_APP).toMatch(
      /'@Microsoft\.KeyVault\(SecretUri=\$\{vaultUri\}secrets\/\$\{secretName\}\/\)'/,
    );
    expect(FUNCTION_APP).toMatch(/keyVaultReferenceIdentity: identityId/);
    expect(expression).toMatch(/^\s*GANTRY_ARGOCD_TOKEN_SECRET: secretNames\.argoCdToken$/m);
    expect(expression).toMatch(/^\s*GANTRY_KEYVAULT_URI: keyVaultUri$/m);
    // No secret values in the infrastructure: the vault declares names only.
    expect(FILES.flatMap((f) => resources(readInfra(f))).map((r) => r.type)).not.toContain(
      'Microsoft.KeyVault/vaults/secrets',
    );
  });
});

interface HostJson {
  extensionBundle: { version: string };
  extensions: {
    durableTask: {
      hubName: string;
      storageProvider: { partitionCount: number };
      maxConcurrentActivityFunctions: number;
      maxConcurrentOrchestratorFunctions: number;
    };
  };
}

describe('(f) host.json and local.settings.example.json agree with the infrastructure', () => {
  const host = JSON.parse(readFileSync(path.join(ROOT, 'host.json'), 'utf8')) as HostJson;
  const local = JSON.parse(readFileSync(path.join(ROOT, 'local.settings.example.json'), 'utf8')) as {
    Values: Record<string, string>;
  };
  const { always } = appSettings();
  const durable = host.extensions.durableTask;
  const HUB = /^[A-Za-z][A-Za-z0-9]{2,44}$/;

  it('names the task hub through TASKHUB_NAME everywhere', () => {
    expect(durable.hubName).toBe('%TASKHUB_NAME%');
    expect(always).toContain('TASKHUB_NAME');
    expect(FUNCTION_APP).toMatch(/^\s*TASKHUB_NAME: taskHubName$/m);
    const hub = paramDefaults(MAIN).get('taskHubName') ?? '';
    expect(hub).toMatch(HUB);
    expect(local.Values.TASKHUB_NAME).toMatch(HUB);
    // Local and Azure hubs differ, so a developer pointed at the Azure account cannot steal its messages.
    expect(local.Values.TASKHUB_NAME).not.toBe(hub);
  });

  it('leaves concurrency to host.json and keeps warm instances within the partitions', () => {
    expect(FILES.filter((f) => readInfra(f).includes('AzureFunctionsJobHost__'))).toEqual([]);
    expect(durable.maxConcurrentActivityFunctions).toBeGreaterThan(0);
    expect(durable.maxConcurrentOrchestratorFunctions).toBeGreaterThan(0);
    const maxWarm = Number(/@maxValue\((\d+)\)\s*param durableAlwaysReady/.exec(FUNCTION_APP)?.[1]);
    const warm = Number(/param durableAlwaysReady int = (\d+)/.exec(FUNCTION_APP)?.[1]);
    expect(warm).toBeGreaterThanOrEqual(1);
    expect(maxWarm).toBeLessThanOrEqual(durable.storageProvider.partitionCount);
    expect(FUNCTION_APP).toMatch(
      /alwaysReady: \[\s*\{\s*name: 'durable'\s*instanceCount: durableAlwaysReady/,
    );
  });

  it('runs the same worker and a Flex-compatible extension bundle', () => {
    expect(local.Values.FUNCTIONS_WORKER_RUNTIME).toBe('node');
    expect(FUNCTION_APP).toMatch(/runtime: \{ name: 'node', version: '22' \}/);
    const lower = /^\[(\d+)\./.exec(host.extensionBundle.version)?.[1];
    expect(Number(lower)).toBeGreaterThanOrEqual(4);
  });

  it('uses the same table prefix default locally and in Azure', () => {
    expect(local.Values.GANTRY_TABLE_PREFIX).toBe(paramDefaults(MAIN).get('tablePrefix'));
  });
});
