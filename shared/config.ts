import type { z } from 'zod';
import { isAksClusterName } from './domain/names.js';
import { SETTING_NAMES } from './config/setting-names.js';
import { lazySchema, zod } from './zod.js';

/** Keys of the local host maps: a host name, with a port when the URL names one. */
const HOST_KEY: MapKey = {
  key: 'host name',
  valid: (key) => /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:\d{1,5})?$/i.test(key),
  invalid: 'a host name',
};

/** A local-only JSON map setting of keys to http(s) URLs, refused at start when malformed. */
function urlMap(keys: MapKey) {
  return zod()
    .string()
    .optional()
    .superRefine((value, ctx) => {
      const problem = value === undefined ? undefined : urlMapProblem(value, keys);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
}

/**
 * App settings: the only place that reads `process.env`. Connection settings live here; the pipeline
 * itself (services, gates, canary, approval) is the YAML file at `GANTRY_CONFIG_PATH`. Built on the first
 * `readSettings` (a request), not at start: see shared/zod.ts.
 */
const schema = lazySchema((z) =>
  z.object({
    GANTRY_CONFIG_PATH: z.string().min(1).default('config/gantry.example.yaml'),
    /** Table Storage for Gantry's records: a connection string (Azurite locally)... */
    GANTRY_STORAGE: z.string().min(1).optional(),
    /** ...or an account name reached with the managed identity in Azure. */
    GANTRY_STORAGE_ACCOUNT: z
      .string()
      .regex(/^[a-z0-9]{3,24}$/, 'a storage account name: 3-24 lower-case letters and digits')
      .optional(),
    AzureWebJobsStorage: z.string().min(1).optional(),
    GANTRY_TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9]{0,29}$/, 'letters and digits, starting with a letter, at most 30')
      .default('Gantry'),
    /**
     * Local development only: a JSON principal
     * `{"name":"ada","groups":["devops-team"],"roles":["Gantry.Reader","Gantry.Operator","Gantry.Approver"]}`
     * used when a request carries no principal headers. Honoured only by a development host, never in Azure.
     */
    GANTRY_DEV_PRINCIPAL: z.string().optional(),

    /** Argo CD: server URL and API token (a Key Vault reference in Azure). */
    GANTRY_ARGOCD_URL: z.url().optional(),
    GANTRY_ARGOCD_TOKEN: z.string().min(1).optional(),
    GANTRY_ARGOCD_PROJECT: z.string().min(1).optional(),
    /** A fixed Kubernetes API server (sandbox or non-AKS); without it clusters are reached through AKS. */
    GANTRY_KUBE_SERVER: z.url().optional(),
    /**
     * Fixed Kubernetes API servers by AKS cluster name, as JSON `{"aks-hearloveen-weu":"http://127.0.0.1:7080"}`
     * (the sandbox's clusters). A target whose cluster is not in the map is refused, never sent to another
     * cluster's server. Takes precedence over GANTRY_KUBE_SERVER; unset in Azure (clusters reached through AKS).
     */
    GANTRY_KUBE_SERVERS: urlMap({
      key: 'cluster name',
      valid: isAksClusterName,
      invalid: 'an AKS cluster name',
    }),
    GANTRY_KUBE_TOKEN: z.string().min(1).optional(),
    /** Prometheus (or Azure Monitor managed Prometheus, with `entra` auth). */
    GANTRY_PROMETHEUS_URL: z.url().optional(),
    GANTRY_PROMETHEUS_AUTH: z.enum(['none', 'bearer', 'entra']).default('none'),
    GANTRY_PROMETHEUS_TOKEN: z.string().min(1).optional(),
    /**
     * `azure-monitor`: the URL is an Azure Monitor workspace's query endpoint (managed Prometheus): Entra
     * auth with the identity whatever GANTRY_PROMETHEUS_AUTH says, and templates held to the service's
     * query limits when the pipeline file loads and before each query.
     */
    GANTRY_PROMETHEUS_MODE: z.enum(['prometheus', 'azure-monitor']).default('prometheus'),
    /** Application Insights (`canary.provider.kind: app-insights`): default workspace ID, query host. */
    GANTRY_APPINSIGHTS_WORKSPACE_ID: z
      .string()
      .regex(/^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/, 'a Log Analytics workspace ID (GUID)')
      .optional(),
    GANTRY_APPINSIGHTS_ENDPOINT: z.url().optional(),
    /** GitHub: API URL (GitHub Enterprise or the sandbox) and a token. */
    GANTRY_GITHUB_API_URL: z.url().default('https://api.github.com'),
    GANTRY_GITHUB_TOKEN: z.string().min(1).optional(),
    /** Git write-back as a GitHub App (key: Key Vault secret `github-app-key`): its commits show as Verified. */
    GANTRY_GITHUB_APP_ID: z
      .string()
      .regex(/^[0-9]+$/, 'a numeric GitHub App id')
      .optional(),
    GANTRY_GITHUB_APP_INSTALLATION_ID: z
      .string()
      .regex(/^[0-9]+$/, 'a numeric installation id')
      .optional(),
    /** Where scan Jobs run: `<subscription>/<resourceGroup>/<cluster>/<namespace>` of the staging cluster. */
    GANTRY_SCAN_TARGET: z
      .string()
      .regex(/^[^/\s]+\/[^/\s]+\/[^/\s]+\/[a-z0-9-]+$/, 'subscription/resourceGroup/cluster/namespace')
      .optional(),
    /**
     * The Kubernetes ServiceAccount scan Jobs run as (workload identity for the registry, `cosign` keys in
     * Kubernetes secrets); without it the Jobs run with no service account token at all.
     */
    GANTRY_SCAN_SERVICE_ACCOUNT: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'a Kubernetes ServiceAccount name')
      .optional(),
    /** Shared secret ACR native webhooks send in the `x-acr-key` header (a Key Vault reference in Azure). */
    GANTRY_ACR_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    /** Outgoing events: the Service Bus namespace (`<ns>.servicebus.windows.net`), reached with the identity. */
    GANTRY_SERVICEBUS_NAMESPACE: z.string().min(1).optional(),
    /** Key Vault holding tokens the app needs (e.g. the Argo CD token) when they are not in settings. */
    GANTRY_KEYVAULT_URI: z.url().optional(),
    /** Name of the Key Vault secret with the Argo CD API token (used when GANTRY_ARGOCD_TOKEN is not set). */
    GANTRY_ARGOCD_TOKEN_SECRET: z.string().min(1).default('argocd-token'),
    /** Secret of the GitHub webhook, used to check `X-Hub-Signature-256`. */
    GANTRY_GITHUB_WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    /**
     * Slack bot token (`xoxb-...`; chat:write for notifications, users:read and users:read.email for
     * users.info); a Key Vault reference in Azure.
     */
    GANTRY_SLACK_BOT_TOKEN: z
      .string()
      .regex(/^xoxb-[A-Za-z0-9-]+$/, 'a Slack bot token (xoxb-...)')
      .optional(),
    /** The Slack Web API base (the sandbox's stand-in locally); must end with a slash. */
    GANTRY_SLACK_API_URL: z
      .url()
      .regex(/\/$/, 'a URL ending with /, e.g. https://slack.com/api/')
      .default('https://slack.com/api/'),
    /** The app's public base URL: chat messages link to `<url>/api/dashboard#/deployments/<id>`. */
    GANTRY_PUBLIC_URL: z.url().optional(),
    /** Set by App Service: the app's host name, the link base when GANTRY_PUBLIC_URL is not set. */
    WEBSITE_HOSTNAME: z.string().optional(),
    /** Slack app's signing secret: verifies slash commands and button presses (`X-Slack-Signature`). */
    GANTRY_SLACK_SIGNING_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    /**
     * Inbound alerts (docs/alerts.md): the token Alertmanager sends (`http_config.authorization` as a bearer
     * token, or as the `basic_auth` password with GANTRY_ALERTMANAGER_USERNAME), and the secret an Azure
     * Monitor action group's webhook URL carries (`?token=`). Key Vault references in Azure.
     */
    GANTRY_ALERTMANAGER_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
    GANTRY_ALERTMANAGER_USERNAME: z.string().min(1).max(128).default('alertmanager'),
    GANTRY_AZURE_MONITOR_SECRET: z.string().min(16, 'at least 16 characters').optional(),
    /** Local only: JSON map of host names to base URLs for smoke checks, e.g. to reach the sandbox. */
    GANTRY_SMOKE_HOST_MAP: urlMap(HOST_KEY),
    /**
     * Local only: JSON map of registry hosts to loopback base URLs read anonymously (the sandbox registry),
     * e.g. `{"hearloveen.azurecr.io":"http://127.0.0.1:7086"}`. Unset in Azure: registries are read at
     * `https://<host>` with the managed identity (AcrPull).
     */
    GANTRY_REGISTRY_HOST_MAP: urlMap(HOST_KEY),
    /**
     * Application Insights (empty = not set). Checked by `readTelemetrySettings` only: a bad telemetry
     * setting turns telemetry off and is reported, it does not stop deployments.
     */
    APPLICATIONINSIGHTS_CONNECTION_STRING: z.string().optional(),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: z.string().optional(),
  }),
);

type SettingsShape = ReturnType<typeof schema>['shape'];

/** Every app setting name the schema reads: a plain list (shared/config/setting-names.ts), held to it here. */
export { SETTING_NAMES };
SETTING_NAMES satisfies readonly (keyof SettingsShape)[];

/** A schema key missing from SETTING_NAMES fails to compile here ("Property 'X' is missing"). */
const allNamed: Record<Exclude<keyof SettingsShape, (typeof SETTING_NAMES)[number]>, never> = {};
void allNamed;

/** The settings schema's keys, as built (for the test that holds SETTING_NAMES to them). */
export const schemaSettingNames = (): string[] => Object.keys(schema().shape);

/** Settings whose values are secrets: telemetry redacts these values wherever they appear. */
export const SECRET_SETTINGS = [
  'GANTRY_STORAGE',
  'AzureWebJobsStorage',
  'GANTRY_ARGOCD_TOKEN',
  'GANTRY_KUBE_TOKEN',
  'GANTRY_PROMETHEUS_TOKEN',
  'GANTRY_GITHUB_TOKEN',
  'GANTRY_ACR_WEBHOOK_SECRET',
  'GANTRY_GITHUB_WEBHOOK_SECRET',
  'GANTRY_SLACK_BOT_TOKEN',
  'GANTRY_SLACK_SIGNING_SECRET',
  'GANTRY_ALERTMANAGER_TOKEN',
  'GANTRY_AZURE_MONITOR_SECRET',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
] as const satisfies readonly (typeof SETTING_NAMES)[number][];

/**
 * The telemetry settings' shapes (see the schema: only telemetry depends on them). Plain patterns, not
 * zod: telemetry starts when the app loads, and zod loads with the first request (shared/zod.ts).
 */
const TELEMETRY_PATTERNS = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: {
    pattern: /^$|(?:^|;)\s*InstrumentationKey=[^;]+/i,
    message: 'a connection string with InstrumentationKey=...',
  },
  /** `Authorization=AAD;ClientId=<identity client id>`: export with the managed identity (local auth off). */
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: {
    pattern: /^$|^(?=.*Authorization=AAD)(?:\s*(?:Authorization=AAD|ClientId=[0-9A-Fa-f-]{36})\s*(?:;|$))+$/i,
    message: 'Authorization=AAD, optionally with ClientId=<client id>',
  },
} as const;

/**
 * What the platform says about where the app runs (set by App Service / Functions, not by Gantry's
 * infrastructure): any of the site variables means Azure; `WEBSITE_AUTH_ENABLED=True` means App Service
 * authentication is on (the platform then strips client copies of the principal headers);
 * `AZURE_FUNCTIONS_ENVIRONMENT=Development` is what a local host (Core Tools, the dev host) sets.
 */
type HostingSetting =
  (typeof AZURE_SITE_SETTINGS)[number] | 'WEBSITE_AUTH_ENABLED' | 'AZURE_FUNCTIONS_ENVIRONMENT';

/** The platform variables that mark a process running in Azure App Service / Functions. */
export const AZURE_SITE_SETTINGS = [
  'WEBSITE_SITE_NAME',
  'WEBSITE_INSTANCE_ID',
  'WEBSITE_OWNER_NAME',
] as const;

export interface HostingSettings {
  /** Which of AZURE_SITE_SETTINGS are present (empty outside Azure). */
  azureMarkers: string[];
  /** `WEBSITE_AUTH_ENABLED` is `True`. */
  appServiceAuth: boolean;
  /** `AZURE_FUNCTIONS_ENVIRONMENT` is `Development` (set by the dev host and Core Tools). */
  development: boolean;
}

/** Where the app runs, as the platform's own variables tell; read apart from the app settings schema. */
export function readHostingSettings(env: Record<string, string | undefined> = process.env): HostingSettings {
  const value = (name: HostingSetting): string => (env[name] ?? '').trim();
  return {
    azureMarkers: AZURE_SITE_SETTINGS.filter((n) => value(n) !== ''),
    appServiceAuth: value('WEBSITE_AUTH_ENABLED').toLowerCase() === 'true',
    development: value('AZURE_FUNCTIONS_ENVIRONMENT').toLowerCase() === 'development',
  };
}

export interface TelemetrySettings {
  connectionString?: string;
  authentication?: string;
  /** Values of the SECRET_SETTINGS that are set. */
  secretValues: string[];
}

/**
 * Only what telemetry needs, read apart from `readSettings` so that telemetry still starts (and can
 * report the problem) when some other setting is invalid.
 */
export function readTelemetrySettings(
  env: Record<string, string | undefined> = process.env,
): TelemetrySettings {
  const issues = Object.entries(TELEMETRY_PATTERNS)
    .filter(([name, { pattern }]) => env[name] !== undefined && !pattern.test(env[name]))
    .map(([name, { message }]) => `${name}: ${message}`);
  if (issues.length > 0) throw new SettingsError(issues);
  return {
    connectionString: env.APPLICATIONINSIGHTS_CONNECTION_STRING || undefined,
    authentication: env.APPLICATIONINSIGHTS_AUTHENTICATION_STRING || undefined,
    secretValues: [
      ...SECRET_SETTINGS.map((n) => env[n]),
      ...Object.values(prefixed(env, TEAMS_WEBHOOK_PREFIX)),
    ].filter((v): v is string => Boolean(v)),
  };
}

/**
 * Teams Workflows webhook URLs, one setting per name: `GANTRY_TEAMS_WEBHOOK_<NAME>` (a Key Vault reference
 * in Azure; the URL carries its signature, so it is a secret). A route names `<name>` case-insensitively.
 */
export const TEAMS_WEBHOOK_PREFIX = 'GANTRY_TEAMS_WEBHOOK_';

function prefixed(env: Record<string, string | undefined>, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter(([k, v]) => k.startsWith(prefix) && k.length > prefix.length && v)
      .map(([k, v]) => [k.slice(prefix.length).toLowerCase(), v as string]),
  );
}

/** https, or http on loopback (the sandbox): a webhook URL the app may post a card to. */
function isWebhookUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const u = new URL(value);
  return (
    u.protocol === 'https:' ||
    (u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname))
  );
}

/** The Teams webhooks by lower-case name; errors name the setting, never the URL. */
function teamsWebhooks(env: Record<string, string | undefined>): Record<string, string> {
  const hooks = prefixed(env, TEAMS_WEBHOOK_PREFIX);
  const bad = Object.entries(hooks)
    .filter(([, url]) => !isWebhookUrl(url))
    .map(
      ([name]) => `${TEAMS_WEBHOOK_PREFIX}${name.toUpperCase()}: an https URL (a Teams Workflows webhook)`,
    );
  if (bad.length > 0) throw new SettingsError(bad);
  return hooks;
}

/** How the keys of a JSON map setting are named and checked. */
interface MapKey {
  key: string;
  valid: (key: string) => boolean;
  invalid: string;
}

/** Why a JSON map setting's value is unusable, or undefined when it maps valid keys to http(s) URLs. */
function urlMapProblem(value: string, keys: MapKey): string | undefined {
  let map: unknown;
  try {
    map = JSON.parse(value);
  } catch {
    return `a JSON object of ${keys.key} to URL`;
  }
  if (typeof map !== 'object' || map === null || Array.isArray(map) || Object.keys(map).length === 0)
    return `a non-empty JSON object of ${keys.key} to URL`;
  for (const [key, url] of Object.entries(map)) {
    if (!keys.valid(key)) return `"${key}" is not ${keys.invalid}`;
    if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url))
      return `the URL of "${key}" must be an http(s) URL`;
  }
  return undefined;
}

/** A JSON map setting (already validated by readSettings) as a map; empty when unset. */
export function settingMap(value: string | undefined): Record<string, string> {
  return value ? (JSON.parse(value) as Record<string, string>) : {};
}

/** GANTRY_KUBE_SERVERS as a map (already validated by readSettings); empty when unset. */
export function kubeServers(settings: Pick<AppSettings, 'GANTRY_KUBE_SERVERS'>): Record<string, string> {
  return settingMap(settings.GANTRY_KUBE_SERVERS);
}

export type AppSettings = z.infer<ReturnType<typeof schema>> & {
  storage: StorageSetting;
  /** Teams Workflows webhook URLs by lower-case name (`GANTRY_TEAMS_WEBHOOK_<NAME>`). */
  teamsWebhooks: Record<string, string>;
};

export type StorageSetting = { kind: 'connection-string'; value: string } | { kind: 'account'; name: string };

export class SettingsError extends Error {
  readonly code = 'settings-invalid';
  constructor(readonly issues: string[]) {
    super(`invalid app settings: ${issues.join('; ')}`);
    this.name = 'SettingsError';
  }
}

/** Reads and validates the settings; errors name the setting, never its value (it may be a secret). */
export function readSettings(env: Record<string, string | undefined> = process.env): AppSettings {
  const parsed = schema().safeParse(env);
  if (!parsed.success) {
    throw new SettingsError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const s = parsed.data;
  const connection = s.GANTRY_STORAGE ?? s.AzureWebJobsStorage;
  let storage: StorageSetting;
  if (s.GANTRY_STORAGE_ACCOUNT) storage = { kind: 'account', name: s.GANTRY_STORAGE_ACCOUNT };
  else if (connection) storage = { kind: 'connection-string', value: connection };
  else
    throw new SettingsError([
      'GANTRY_STORAGE: set a connection string, GANTRY_STORAGE_ACCOUNT, or AzureWebJobsStorage',
    ]);
  return { ...s, storage, teamsWebhooks: teamsWebhooks(env) };
}
