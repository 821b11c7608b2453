import { exampleWithoutRingsFile } from '../fixtures/example-config.js';
import { randomBytes } from 'node:crypto';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { appServicePrincipalHeaders } from '../../shared/app/principal.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import type { PipelinePlan } from '../../shared/contracts/plan.js';
import type { DeploymentRecord, TimelineEntry } from '../../shared/domain/deployment.js';
import { deliverAlertmanager } from '../../sandbox/alertmanager.js';
import { deliverEventGrid, deliverToHost, startSandbox, type Sandbox } from '../../sandbox/index.js';
import { deliverGitHubWebhook } from '../../sandbox/github-webhook.js';
import type { FaultProfile } from '../../sandbox/world.js';

/**
 * The compiled Gantry app in the dev host with no fakes: its production adapters talk to the sandbox's
 * Kubernetes, Argo CD, Prometheus and GitHub stand-ins over HTTP, the RunStore is on Azurite, and
 * everything runs on one virtual clock. Shared by the sandbox e2e tests and `bench/failfast.ts`, so it
 * must not import vitest.
 *
 * The app reads its settings from `process.env` once per load, so one rig at a time per process: a
 * second rig started after the first is closed loads the app afresh and sees its own settings.
 */

/**
 * The configuration the sandbox e2e tests run: the one `npm start` uses by default, with ApiGateway as
 * one production target (its EU North ring taken out), so these tests judge one cluster; trains across
 * the sandbox's clusters are sandbox-rings.test.ts's.
 */
export const EXAMPLE_CONFIG = exampleWithoutRingsFile();

/** Monday 03:00 UTC: inside the auto-approve window, so a run needs no human. */
export const MONDAY_03 = Date.UTC(2026, 0, 5, 3, 0, 0);
/** What the sandbox Alertmanager sends and Gantry's alert route expects (GANTRY_ALERTMANAGER_TOKEN). */
export const ALERTMANAGER_TOKEN = 'alertmanager-test-token-0123';
/** The bearer tokens the sandbox's stand-ins accept (loopback only, not secrets). */
export const TOKENS = {
  kubernetes: 'k8s-test-token',
  argocd: 'argocd-test-token',
  github: 'github-test-token',
  slack: 'xoxb-sandbox-e2e',
};

export interface SandboxRigOptions {
  /** The Gantry YAML the app loads (`GANTRY_CONFIG_PATH`) and the sandbox seeds its services from. */
  configPath: string;
  /** Connection string of the Table Storage (Azurite) for Gantry's records; tables get a fresh prefix. */
  storage: string;
  /** Start of virtual time (default MONDAY_03). */
  startTime?: number;
  /** The sandbox Alertmanager delivers `alert` faults to Gantry's webhook too (default: off). */
  alertmanager?: boolean;
  /** Services the sandbox does not seed (their objects are applied by the test). */
  unseeded?: string[];
}

export interface SandboxRig {
  host: TestHost;
  sandbox: Sandbox;
  /** `POST /api/deployments` of ApiGateway at `digest` as ci-bot; the new deployment's id. */
  push(digest: string): Promise<string>;
  /**
   * `PUT /sandbox/registry/<repository>:<tag>` on the control API: the image is pushed into the sandbox
   * registry and its ACR events delivered to Gantry's Event Grid route; the control API's answer.
   */
  registryPush(ref: string, body?: Record<string, unknown>): Promise<RegistryPushAnswer>;
  /** Waits for the pipeline to end (skipping virtual time) and the engine to go idle. */
  finish(id: string): Promise<DeploymentRecord>;
  view(id: string): Promise<{ deployment: DeploymentRecord; timeline: TimelineEntry[] }>;
  /** `PUT /sandbox/faults/{digest}` on the control API; its HTTP status. */
  fault(digest: string, profile: FaultProfile): Promise<number>;
  prodImage(): string | undefined;
  canaryWeight(): string | undefined;
  close(): Promise<void>;
}

/** The CI caller: an operator (which includes reading); every request of the rig identifies as it. */
export const CI_HEADERS = appServicePrincipalHeaders({
  name: 'ci-bot',
  groups: [],
  roles: ['Gantry.Operator'],
});

export interface RegistryPushAnswer {
  digest: string;
  mediaType: string;
  image: string;
  revision?: string;
  service?: string;
  deploymentId?: string;
  delivered: boolean;
}

export const randomDigest = (): string => `sha256:${randomBytes(32).toString('hex')}`;

/** The sandbox GitHub's webhook secret, Gantry's too: its deliveries are signed (`X-Hub-Signature-256`). */
export const GITHUB_WEBHOOK_SECRET = 'sandbox-github-webhook-secret';

/** The cluster GANTRY_SCAN_TARGET names: the sandbox's main cluster, which runs staging. */
const SCAN_CLUSTER = 'sandbox-aks';

function settings(options: SandboxRigOptions, sandbox: Sandbox): Record<string, string> {
  return {
    GANTRY_STORAGE: options.storage,
    GANTRY_TABLE_PREFIX: `S${randomBytes(4).toString('hex')}`,
    GANTRY_CONFIG_PATH: options.configPath,
    GANTRY_DEV_PRINCIPAL: '',
    GANTRY_KUBE_SERVER: sandbox.urls.kubernetes,
    // Several clusters: each AKS cluster name to its own Kubernetes API (the scan Jobs' cluster is the main one).
    ...(Object.keys(sandbox.urls.clusters).length > 1 && {
      GANTRY_KUBE_SERVERS: JSON.stringify({
        [SCAN_CLUSTER]: sandbox.urls.kubernetes,
        ...sandbox.urls.clusters,
      }),
    }),
    GANTRY_KUBE_TOKEN: TOKENS.kubernetes,
    GANTRY_ARGOCD_URL: sandbox.urls.argocd,
    GANTRY_ARGOCD_TOKEN: TOKENS.argocd,
    GANTRY_PROMETHEUS_URL: sandbox.urls.prometheus,
    GANTRY_PROMETHEUS_AUTH: 'none',
    GANTRY_GITHUB_API_URL: sandbox.urls.github,
    GANTRY_GITHUB_TOKEN: TOKENS.github,
    GANTRY_GITHUB_WEBHOOK_SECRET: GITHUB_WEBHOOK_SECRET,
    GANTRY_SMOKE_HOST_MAP: JSON.stringify({ 'staging.hearloveen.example': sandbox.urls.web }),
    GANTRY_REGISTRY_HOST_MAP: JSON.stringify({ 'hearloveen.azurecr.io': sandbox.urls.registry }),
    GANTRY_SCAN_TARGET: `00000000-0000-0000-0000-000000000000/sandbox-rg/${SCAN_CLUSTER}/gantry-scans`,
    GANTRY_SCAN_SERVICE_ACCOUNT: 'gantry-scanner',
    GANTRY_SLACK_API_URL: `${sandbox.urls.slack}/api/`,
    GANTRY_SLACK_BOT_TOKEN: TOKENS.slack,
    GANTRY_TEAMS_WEBHOOK_SANDBOX: `${sandbox.urls.teams}/workflows/sandbox`,
    GANTRY_ALERTMANAGER_TOKEN: ALERTMANAGER_TOKEN,
  };
}

/** Puts `values` into `process.env` and returns how to put back what was there. */
function applyEnv(values: Record<string, string>): () => void {
  const previous = Object.keys(values).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, values);
  return () => {
    for (const [k, v] of previous) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

function rigApi(host: TestHost, sandbox: Sandbox): Omit<SandboxRig, 'host' | 'sandbox' | 'close'> {
  const view: SandboxRig['view'] = async (id) =>
    (await (await host.request(`/api/deployments/${id}`, { headers: CI_HEADERS })).json()) as Awaited<
      ReturnType<SandboxRig['view']>
    >;
  return {
    async push(digest) {
      const res = await host.request('/api/deployments', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...CI_HEADERS,
        },
        body: JSON.stringify({
          service: 'ApiGateway',
          image: `hearloveen.azurecr.io/api-gateway:2.1.0@${digest}`,
          commitSha: randomBytes(20).toString('hex'),
        }),
      });
      if (res.status !== 201) throw new Error(`push: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { deployment: { id: string } }).deployment.id;
    },
    async registryPush(ref, body) {
      const res = await fetch(`${sandbox.urls.control}/sandbox/registry/${ref}`, {
        method: 'PUT',
        ...(body && { body: JSON.stringify(body) }),
      });
      if (res.status !== 201) throw new Error(`registry push: HTTP ${res.status} ${await res.text()}`);
      return (await res.json()) as RegistryPushAnswer;
    },
    async finish(id) {
      await host.waitForCompletion(pipelineInstanceId(id));
      await host.idle();
      return (await view(id)).deployment;
    },
    view,
    async fault(digest, profile) {
      const res = await fetch(`${sandbox.urls.control}/sandbox/faults/${encodeURIComponent(digest)}`, {
        method: 'PUT',
        body: JSON.stringify(profile),
      });
      await res.body?.cancel();
      return res.status;
    },
    prodImage: () =>
      (
        sandbox.world.get('Deployment', 'hearloveen-prod', 'api-gateway')?.spec as
          { template: { spec: { containers: Array<{ image: string }> } } } | undefined
      )?.template.spec.containers[0]?.image,
    canaryWeight: () =>
      sandbox.world.get('Ingress', 'hearloveen-prod', 'api-gateway-canary')?.metadata.annotations?.[
        'nginx.ingress.kubernetes.io/canary-weight'
      ],
  };
}

export async function startSandboxRig(options: SandboxRigOptions): Promise<SandboxRig> {
  const clock = new VirtualClock(options.startTime ?? MONDAY_03);
  const config = FileConfigSource.load(options.configPath);
  const plans = config
    .services()
    .map((s) => config.plan(s))
    .filter((p): p is PipelinePlan => p !== undefined);
  let hostUrl = '';
  const sandbox = await startSandbox({
    clock,
    plans,
    tokens: TOKENS,
    deliverTestResult: deliverToHost(() => hostUrl),
    deliverRegistryEvents: deliverEventGrid(() => hostUrl),
    deliverGitHubWebhook: deliverGitHubWebhook(() => hostUrl, GITHUB_WEBHOOK_SECRET),
    ...(options.alertmanager && { deliverAlerts: deliverAlertmanager(() => hostUrl, ALERTMANAGER_TOKEN) }),
    ...(options.unseeded && { unseeded: options.unseeded }),
  });
  const restoreEnv = applyEnv(settings(options, sandbox));
  let host: TestHost;
  try {
    host = await startTestHost({ appDir: '.', store: 'memory', clock });
  } catch (error) {
    restoreEnv();
    await sandbox.close();
    throw error;
  }
  hostUrl = host.url;
  return {
    host,
    sandbox,
    ...rigApi(host, sandbox),
    async close() {
      await host.close();
      await sandbox.close();
      restoreEnv();
    },
  };
}
