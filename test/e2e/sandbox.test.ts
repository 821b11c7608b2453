import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { CI_HEADERS, EXAMPLE_CONFIG, startSandboxRig, type SandboxRig } from './sandbox-rig.js';

let azurite: AzuriteHandle;
let rig: SandboxRig;

/**
 * The whole thing with no fakes in the app: the compiled Gantry app in the dev host, its production
 * adapters talking to the sandbox's Kubernetes, Argo CD, Prometheus, GitHub and registry stand-ins over
 * HTTP, the RunStore on Azurite, everything on one virtual clock (`sandbox-rig.ts`). Every image is pushed
 * into the sandbox registry, which delivers ACR's events through Gantry's Event Grid route: nothing is
 * hand-fed (no commit, no pusher), the commit comes from the image's revision label.
 */

/** Pushes `api-gateway:<tag>` through the sandbox registry; the deployment its events started. */
async function push(tag: string): Promise<{ id: string; digest: string; revision?: string }> {
  const pushed = await rig.registryPush(`api-gateway:${tag}`);
  expect(pushed).toMatchObject({ delivered: true, service: 'ApiGateway' });
  return { id: pushed.deploymentId as string, digest: pushed.digest, revision: pushed.revision };
}
interface Board {
  quarantine: {
    quarantined: Array<{
      digest: string;
      deploymentId: string;
      refusals?: { count: number; lastSource: string };
    }>;
    liftedQuarantine: Array<{ digest: string; lifted: { by: string }; refusals?: { count: number } }>;
    hold: { deploymentId: string; lifted?: { by: string } } | null;
  };
}
const board = async (): Promise<Board> =>
  (await (await rig.host.request('/api/services/ApiGateway', { headers: CI_HEADERS })).json()) as Board;

/** An automatic rollback holds the lane (configuration `holds`): an Operator lifts it with a reason. */
async function liftHold(after: string): Promise<void> {
  expect((await board()).quarantine.hold).toMatchObject({ deploymentId: after });
  const res = await rig.host.request('/api/services/ApiGateway/hold/lift', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...CI_HEADERS },
    body: JSON.stringify({ reason: 'fault cleared' }),
  });
  expect(res.status).toBe(200);
  expect((await board()).quarantine.hold?.lifted).toMatchObject({ by: 'ci-bot' });
}

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
  rig = await startSandboxRig({ configPath: EXAMPLE_CONFIG, storage: azurite.connectionString });
});

afterAll(async () => {
  await rig?.close();
  await azurite?.stop();
});

describe('a full pipeline against the sandbox cluster', () => {
  it('releases a healthy image through staging, tests, canary, promotion and verification', async () => {
    const { id, digest: d, revision } = await push('2.1.0');
    const done = await rig.finish(id);
    expect(done).toMatchObject({
      state: 'Succeeded',
      reason: 'released',
      source: 'event-grid',
      pushedBy: 'sandbox-build',
      commitSha: revision,
      provenance: { commitFrom: 'image', source: 'https://github.com/hearloveen/platform', version: '2.1.0' },
    });
    // The commit date from GitHub starts the DORA lead time.
    expect(Date.parse(done.committedAt ?? '')).toBeLessThan(Date.parse(done.createdAt));
    // Judged on real numbers from the traffic model, not waved through as inconclusive.
    const view = (await (
      await rig.host.request(`/api/deployments/${id}`, { headers: CI_HEADERS })
    ).json()) as {
      timeline: Array<{ title: string; verdict?: string; comment?: string }>;
    };
    expect(view.timeline.find((e) => e.title === 'provenance')).toMatchObject({
      verdict: 'pass',
      comment: `commit ${revision?.slice(0, 12)} from org.opencontainers.image.revision (config labels)`,
    });
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
    expect(rig.prodImage()).toContain(d);
    expect(rig.canaryWeight()).toBe('0');
    // The scan Jobs ran as the configured ServiceAccount, with its token mounted.
    const jobs = rig.sandbox.world.list('Job', 'gantry-scans');
    expect(jobs.length).toBeGreaterThanOrEqual(2);
    for (const job of jobs)
      expect((job.spec as { template: { spec: object } }).template.spec).toMatchObject({
        serviceAccountName: 'gantry-scanner',
        automountServiceAccountToken: true,
      });
  });

  it('rolls the canary back when the new image answers with errors', async () => {
    const before = rig.prodImage();
    expect(await rig.fault('2.1.1', { errorRate: 1 })).toBe(200);
    const { id } = await push('2.1.1');
    const done = await rig.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toMatch(/^fail-fast: request-success-rate: hard bound breached: 0 < min 95 at 10%$/);
    const view = (await (
      await rig.host.request(`/api/deployments/${id}`, { headers: CI_HEADERS })
    ).json()) as {
      timeline: Array<{ title: string; at: string }>;
    };
    const at = (title: string) => Date.parse(view.timeline.find((e) => e.title === title)?.at ?? '');
    // Within one interval of traffic reaching the canary (Flagger alone: interval × threshold = 5 min).
    expect(at('weight:0') - at('weight:10')).toBeLessThanOrEqual(60_000);
    expect(rig.prodImage()).toBe(before);
    expect(rig.canaryWeight()).toBe('0');
    // Its digest is quarantined: the same image pushed again through the registry's Event Grid route is
    // refused (the delivery still succeeds, so it is not retried) and counted.
    const { digest: d } = await rig.registryPush('api-gateway:2.1.1');
    expect((await board()).quarantine.quarantined).toEqual([
      expect.objectContaining({
        digest: d,
        deploymentId: id,
        refusals: expect.objectContaining({ count: 1 }),
      }),
    ]);
    await liftHold(id);
    // An Operator lifts the quarantine with a reason (audited): the same push is no longer refused.
    const lift = await rig.host.request(`/api/services/ApiGateway/quarantine/${d}/lift`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CI_HEADERS },
      body: JSON.stringify({ reason: 'the error rate came from a bad load balancer probe' }),
    });
    expect(lift.status).toBe(200);
    await rig.registryPush('api-gateway:2.1.1');
    const after = await board();
    expect(after.quarantine.quarantined).toEqual([]);
    expect(after.quarantine.liftedQuarantine[0]).toMatchObject({
      digest: d,
      lifted: { by: 'ci-bot' },
      refusals: { count: 1 },
    });
    const audit = (await (
      await rig.host.request(`/api/deployments/${id}`, { headers: CI_HEADERS })
    ).json()) as {
      timeline: Array<{ title: string; actor?: string }>;
    };
    expect(audit.timeline.find((e) => e.title === 'quarantine:lifted')).toMatchObject({ actor: 'ci-bot' });
  });
});

describe('alerts and re-judging against the sandbox', () => {
  it('aborts the canary when a critical alert fires for its Deployment', async () => {
    const before = rig.prodImage();
    expect(await rig.fault('2.1.2', { alert: 'HighMemoryPressure' })).toBe(200);
    const { id } = await push('2.1.2');
    const done = await rig.finish(id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toBe('fail-fast: alerts: firing alert(s): HighMemoryPressure at 10%');
    expect(rig.prodImage()).toBe(before);
    expect(rig.canaryWeight()).toBe('0');
    await liftHold(id);
  });

  it('re-judges a released run: a stricter latency bound would have rolled it back', async () => {
    const { id } = await push('2.1.3');
    expect((await rig.finish(id)).state).toBe('Succeeded');
    const res = await rig.host.request(`/api/deployments/${id}/rejudge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...CI_HEADERS },
      body: JSON.stringify({
        canary: {
          interval: '1m',
          threshold: 2,
          stepWeight: 10,
          maxWeight: 50,
          metrics: [
            { name: 'request-duration-p95', templateRef: 'request-duration', thresholdRange: { max: 50 } },
          ],
        },
      }),
    });
    expect(res.status).toBe(200);
    const r = (await res.json()) as {
      original: { outcome: string };
      rejudged: { outcome: string; reason: string };
      unevaluated: string[];
    };
    expect(r.original.outcome).toBe('passed');
    // The traffic model's p95 is well above 50 ms (median 80 ms): the second interval check fails too.
    expect(r.rejudged.outcome).toBe('rolled-back');
    expect(r.rejudged.reason).toMatch(
      /^2 failed checks reached the threshold of 2 \(last: request-duration-p95: \d+(\.\d+)? > max 50\)$/,
    );
    expect(r.unevaluated).toEqual([]);
  });
});
