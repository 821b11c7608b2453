import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { FileConfigSource } from '../../shared/adapters/config-file.js';
import { pipelineInstanceId } from '../../shared/contracts/events.js';
import type { PipelinePlan } from '../../shared/contracts/plan.js';
import { startSandbox, type Sandbox } from '../../sandbox/index.js';
import { principalHeaders } from './pipeline-harness.js';

/** Monday 03:00 UTC: inside the auto-approve window, so the run needs no human. */
const MONDAY_03 = Date.UTC(2026, 0, 5, 3, 0, 0);
const TOKENS = { kubernetes: 'k8s-test-token', argocd: 'argocd-test-token', github: 'github-test-token' };

let azurite: AzuriteHandle;
let sandbox: Sandbox;
let host: TestHost;

/**
 * The whole thing with no fakes in the app: the compiled Gantry app in the dev host, its production
 * adapters talking to the sandbox's Kubernetes, Argo CD, Prometheus and GitHub stand-ins over HTTP, the
 * RunStore on Azurite, everything on one virtual clock.
 */
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  const clock = new VirtualClock(MONDAY_03);
  const config = FileConfigSource.load('config/gantry.example.yaml');
  const plans = config
    .services()
    .map((s) => config.plan(s))
    .filter((p): p is PipelinePlan => p !== undefined);
  let hostUrl = '';
  sandbox = await startSandbox({
    clock,
    plans,
    tokens: TOKENS,
    deliverTestResult: async (deploymentId, result) => {
      const instance = encodeURIComponent(`deploy:${deploymentId}:tests`);
      await fetch(`${hostUrl}/runtime/webhooks/durabletask/instances/${instance}/raiseEvent/testResult`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(result),
      });
    },
  });
  Object.assign(process.env, {
    GANTRY_STORAGE: azurite.connectionString,
    GANTRY_TABLE_PREFIX: `S${randomBytes(4).toString('hex')}`,
    GANTRY_CONFIG_PATH: 'config/gantry.example.yaml',
    GANTRY_DEV_PRINCIPAL: '',
    GANTRY_KUBE_SERVER: sandbox.urls.kubernetes,
    GANTRY_KUBE_TOKEN: TOKENS.kubernetes,
    GANTRY_ARGOCD_URL: sandbox.urls.argocd,
    GANTRY_ARGOCD_TOKEN: TOKENS.argocd,
    GANTRY_PROMETHEUS_URL: sandbox.urls.prometheus,
    GANTRY_PROMETHEUS_AUTH: 'none',
    GANTRY_GITHUB_API_URL: sandbox.urls.github,
    GANTRY_GITHUB_TOKEN: TOKENS.github,
    GANTRY_SMOKE_HOST_MAP: JSON.stringify({ 'staging.hearloveen.example': sandbox.urls.web }),
    GANTRY_SCAN_TARGET: '00000000-0000-0000-0000-000000000000/sandbox-rg/sandbox-aks/gantry-scans',
  });
  host = await startTestHost({ appDir: '.', store: 'memory', clock });
  hostUrl = host.url;
});

afterAll(async () => {
  await host?.close();
  await sandbox?.close();
  await azurite?.stop();
});

const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;

async function push(d: string): Promise<string> {
  const res = await host.request('/api/deployments', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...principalHeaders({ name: 'ci-bot', groups: [] }) },
    body: JSON.stringify({
      service: 'ApiGateway',
      image: `hearloveen.azurecr.io/api-gateway:2.1.0@${d}`,
      commitSha: randomBytes(20).toString('hex'),
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { deployment: { id: string } }).deployment.id;
}

async function finish(id: string): Promise<{ state: string; reason?: string }> {
  await host.waitForCompletion(pipelineInstanceId(id));
  await host.idle();
  const res = await host.request(`/api/deployments/${id}`);
  return ((await res.json()) as { deployment: { state: string; reason?: string } }).deployment;
}

const prodImage = () =>
  (
    sandbox.world.get('Deployment', 'hearloveen-prod', 'api-gateway')?.spec as {
      template: { spec: { containers: Array<{ image: string }> } };
    }
  ).template.spec.containers[0]?.image;
const canaryWeight = () =>
  sandbox.world.get('Ingress', 'hearloveen-prod', 'api-gateway-canary')?.metadata.annotations?.[
    'nginx.ingress.kubernetes.io/canary-weight'
  ];

describe('a full pipeline against the sandbox cluster', () => {
  it('releases a healthy image through staging, tests, canary, promotion and verification', async () => {
    const d = digest();
    const id = await push(d);
    const done = await finish(id);
    expect(done).toMatchObject({ state: 'Succeeded', reason: 'released' });
    // Judged on real numbers from the traffic model, not waved through as inconclusive.
    const view = (await (await host.request(`/api/deployments/${id}`)).json()) as {
      timeline: Array<{ title: string; verdict?: string; comment?: string }>;
    };
    const checks = view.timeline.filter((e) => e.title.startsWith('check:') || e.title.startsWith('verify:'));
    expect(checks.length).toBeGreaterThanOrEqual(40);
    expect(new Set(checks.map((c) => c.verdict))).toEqual(new Set(['pass']));
    // A fast round may come too early after a weight change to have enough requests; never a failure.
    const fast = view.timeline.filter((e) => e.title === 'fast-check');
    expect(fast.length).toBeGreaterThanOrEqual(60);
    expect(fast.filter((e) => e.verdict === 'fail')).toEqual([]);
    for (const e of fast.filter((f) => f.verdict === 'inconclusive'))
      expect(e.comment).toMatch(/too few requests in the window/);
    expect(view.timeline.filter((e) => e.title.startsWith('gate:')).map((e) => e.verdict)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
    expect(prodImage()).toContain(d);
    expect(canaryWeight()).toBe('0');
  });

  it('rolls the canary back when the new image answers with errors', async () => {
    const before = prodImage();
    const d = digest();
    const fault = await fetch(`${sandbox.urls.control}/sandbox/faults/${encodeURIComponent(d)}`, {
      method: 'PUT',
      body: JSON.stringify({ errorRate: 1 }),
    });
    expect(fault.status).toBe(200);
    const id = await push(d);
    const done = await finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^fail-fast: request-success-rate: hard bound breached: 0 < min 95 at 10%$/);
    const view = (await (await host.request(`/api/deployments/${id}`)).json()) as {
      timeline: Array<{ title: string; at: string }>;
    };
    const at = (title: string) => Date.parse(view.timeline.find((e) => e.title === title)?.at ?? '');
    // Within one interval of traffic reaching the canary (Flagger alone: interval × threshold = 5 min).
    expect(at('weight:0') - at('weight:10')).toBeLessThanOrEqual(60_000);
    expect(prodImage()).toBe(before);
    expect(canaryWeight()).toBe('0');
  });
});
