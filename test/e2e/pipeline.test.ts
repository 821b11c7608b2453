import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { phaseInstanceId } from '../../shared/contracts/events.js';
import { ada, ci, digest, PipelineHarness, principalHeaders, titles } from './pipeline-harness.js';

const IMAGE = (d: string) => `hearloveen.azurecr.io/api-gateway:1.4.0@${d}`;
/** Monday 10:00 UTC: business hours, so production needs an approval. */
const MONDAY_10 = Date.UTC(2026, 0, 5, 10, 0, 0);
const WORKFLOWS = ['integration', 'e2e', 'performance', 'security'];

let azurite: AzuriteHandle;
let h: PipelineHarness;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});
beforeEach(async () => {
  h = await PipelineHarness.start({ storage: azurite.connectionString, startTime: MONDAY_10 });
});
afterEach(async () => {
  await h?.close();
});

/** Completes every dispatched test workflow through the Durable API, as the workflow_run webhook would. */
async function completeTests(id: string, conclusion = 'success', workflows = WORKFLOWS): Promise<void> {
  await h.waitForPhase(id, 'tests', 'test workflows');
  for (const workflow of workflows) {
    const res = await h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(phaseInstanceId(id, 'tests'))}/raiseEvent/testResult`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ workflow, conclusion }),
      },
    );
    expect(res.status).toBe(202);
  }
}

describe('pipeline end to end (dev host, virtual clock, fakes for outside systems)', () => {
  it('takes an image from push to Succeeded with the full timeline', async () => {
    const wall = performance.now();
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    expect(d.state).toBe('Queued');
    await completeTests(d.id);
    await h.waitForPhase(d.id, 'approval', 'approval', true);
    const approve = await h.post(`/api/deployments/${d.id}/approve`, { comment: 'looks good' }, ada);
    expect(approve.status).toBe(202);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Succeeded');
    expect(titles(view.timeline, 'transition')).toEqual([
      '->Queued',
      'Queued->Gating',
      'Gating->Staging',
      'Staging->Testing',
      'Testing->AwaitingApproval',
      'AwaitingApproval->Canary',
      'Canary->Promoting',
      'Promoting->Verifying',
      'Verifying->Succeeded',
    ]);
    expect(h.world.weights).toEqual([10, 25, 50, 0]);
    expect(h.world.deploys.map((x) => x.app)).toEqual(['api-gateway-staging', 'api-gateway-prod']);
    // 20 intervals × 2 metrics, each judged against its threshold range (plus hard bounds and alerts).
    const metricChecks = view.timeline.filter(
      (e) => e.title.startsWith('check:') && e.evidence?.kind === 'metric',
    );
    expect(metricChecks).toHaveLength(40);
    expect(titles(view.timeline).filter((t) => t.startsWith('fail-fast:'))).toHaveLength(40);
    expect(titles(view.timeline).filter((t) => t === 'check:alerts')).toHaveLength(20);
    // Three fast rounds inside each one-minute interval (every 15 s).
    expect(titles(view.timeline).filter((t) => t === 'fast-check')).toHaveLength(60);
    expect(titles(view.timeline)).toContain('approve:accepted');
    expect(titles(view.timeline)).toContain('release:last-known-good');
    expect(h.world.dispatched.map((x) => x.workflow)).toEqual(WORKFLOWS);
    console.log(`happy path wall ${Math.round(performance.now() - wall)} ms`);
    void ci;
  });
});

describe('pipeline failures before traffic', () => {
  it('stops at a failing gate before anything is deployed', async () => {
    h.world.gateVerdicts.set('vulnerability', 'fail');
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('gate vulnerability failed');
    expect(h.world.deploys).toEqual([]);
    expect(view.timeline.find((e) => e.title === 'gate:vulnerability')?.verdict).toBe('fail');
  });

  it('rolls staging back when the sync fails', async () => {
    h.world.syncOutcomes.set('api-gateway-staging', 'Failed');
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('sync of api-gateway-staging failed');
    expect(h.world.rollbacks).toEqual([{ app: 'api-gateway-staging' }]);
    expect(titles(view.timeline)).toContain('rollback:api-gateway-staging');
  });

  it('fails when a smoke check fails', async () => {
    h.world.failingSmoke.add('database');
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('smoke check database failed');
    expect(h.world.dispatched).toEqual([]);
  });

  it('fails when a test workflow fails', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id, 'failure', ['integration']);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('test workflow integration concluded failure');
  });

  it('fails when test workflows do not report in time', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('test workflow(s) timed out: integration');
  });
});

describe('approval', () => {
  it('ends the run on a rejection', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id);
    await h.waitForPhase(d.id, 'approval', 'approval');
    expect((await h.post(`/api/deployments/${d.id}/reject`, {}, ada)).status).toBe(400);
    expect(
      (await h.post(`/api/deployments/${d.id}/reject`, { comment: 'not during the sale' }, ada)).status,
    ).toBe(202);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('rejected by ada: not during the sale');
    expect(h.world.weights).toEqual([]);
  });

  it('expires when nobody decides within 24 hours', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toMatch(/^approval expired at /);
    expect(titles(view.timeline)).toContain('approval:expired');
  });
});

describe('pipeline with traffic', () => {
  /** Success rate drops to 97% (below the 99% threshold, above the 95% hard bound) under traffic. */
  const badCanary = () => {
    h.world.metric = (q, w) =>
      q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 50 : w.weight > 0 ? 97 : 99.9;
  };

  async function toCanary(id: string): Promise<void> {
    await completeTests(id);
    await h.waitForPhase(id, 'approval', 'approval');
    expect((await h.post(`/api/deployments/${id}/approve`, { comment: 'ok' }, ada)).status).toBe(202);
  }

  it('rolls the canary back when failed checks reach the threshold', async () => {
    badCanary();
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toBe(
      '5 failed checks reached the threshold of 5 (last: request-success-rate: 97 < min 99) at 10%',
    );
    expect(h.world.weights).toEqual([10, 0]);
    expect(h.world.scales.at(-1)).toEqual({ deployment: 'api-gateway-canary', replicas: 0 });
    expect(h.world.deploys.map((x) => x.app)).toEqual(['api-gateway-staging']);
    expect(view.deployment.weight).toBe(0);
    expect(h.world.notifications.some((n) => n.kind === 'incident')).toBe(true);
  });

  it('re-judges a rolled-back canary under another spec without touching the cluster', async () => {
    badCanary();
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    expect((await h.finish(d.id)).deployment.state).toBe('RolledBack');
    const calls = { weights: h.world.weights.length, queries: h.world.queries.length };
    const metric = (name: string, templateRef: string, bounds: object) => ({
      name,
      templateRef,
      thresholdRange: bounds,
      interval: '1m',
    });
    const canary = (min: number) => ({
      interval: '1m',
      threshold: 5,
      steps: [{ weight: 10, duration: '5m' }],
      metrics: [
        metric('request-success-rate', 'request-success-rate', { min }),
        metric('request-duration-p95', 'request-duration', { max: 500 }),
      ],
    });
    const looser = await h.post(`/api/deployments/${d.id}/rejudge`, { canary: canary(95) });
    expect(looser.status).toBe(200);
    const r = (await looser.json()) as {
      original: { outcome: string; failedChecks: number };
      rejudged: { outcome: string; failedChecks: number };
      outcomeChanged: boolean;
      changedChecks: number;
      checks: Array<{ metric: string; kind: string; original: string; rejudged: string; value: number }>;
    };
    expect(r.original).toMatchObject({ outcome: 'rolled-back', failedChecks: 5 });
    // Nothing failed under min 95, but the run stopped after five rounds: the rest is unknown.
    expect(r.rejudged).toEqual({ outcome: 'undetermined', failedChecks: 0 });
    expect(r.outcomeChanged).toBe(true);
    const success = r.checks.filter((c) => c.metric === 'request-success-rate' && c.kind === 'metric');
    expect(success.map((c) => [c.value, c.original, c.rejudged])).toEqual(
      Array(5).fill([97, 'fail', 'pass']),
    );
    expect(r.changedChecks).toBe(5);
    const same = (await (
      await h.post(`/api/deployments/${d.id}/rejudge`, { canary: canary(99) })
    ).json()) as {
      rejudged: { outcome: string };
      changedChecks: number;
    };
    expect(same).toMatchObject({ rejudged: { outcome: 'rolled-back' }, changedChecks: 0 });
    expect({ weights: h.world.weights.length, queries: h.world.queries.length }).toEqual(calls);

    const bad = await h.post(`/api/deployments/${d.id}/rejudge`, { canary: { ...canary(99), threshold: 0 } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        code: 'invalid-spec',
        details: { issues: [expect.objectContaining({ path: 'canary.threshold' })] },
      },
    });
    expect((await h.post(`/api/deployments/${d.id}/rejudge`, {})).status).toBe(400);
    expect(
      (await h.post(`/api/deployments/api-gateway-000000000000/rejudge`, { canary: canary(99) })).status,
    ).toBe(404);
  });

  it('rolls back on a hard-bound breach at the next fast check, not after threshold intervals', async () => {
    h.world.metric = (q, w) =>
      q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 50 : w.weight > 0 ? 40 : 99.9;
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toBe(
      'fail-fast: request-success-rate: hard bound breached: 40 < min 95 at 10%',
    );
    expect(h.world.weights).toEqual([10, 0]);
    const on = view.timeline.find((e) => e.title === 'weight:10');
    const off = view.timeline.find((e) => e.title === 'weight:0');
    // The first fast round, 15 s after traffic reached the canary (Flagger: interval × threshold = 5 min).
    expect(Date.parse(off?.at ?? '') - Date.parse(on?.at ?? '')).toBe(15_000);
    expect(titles(view.timeline).filter((t) => t.startsWith('check:'))).toEqual([]);
  });

  it('never judges an empty window: too little canary traffic holds, then pauses for an operator', async () => {
    h.world.metric = (q, w) =>
      q.template.includes('duration') ? 200 : q.template === 'request-rate' ? 0.5 : w.weight > 0 ? 40 : 99.9;
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const paused = await h.waitForPhase(d.id, 'canary', 'operator (paused:');
    expect(JSON.parse(paused.customStatus ?? '{}')).toMatchObject({ paused: true, weight: 10 });
    expect(h.world.weights).toEqual([10]);
    const view = await h.view(d.id);
    const decisions = titles(view.timeline, 'decision').filter((t) => t.startsWith('analysis:'));
    expect(decisions).toEqual([
      'analysis:hold',
      'analysis:hold',
      'analysis:hold',
      'analysis:pause',
      'analysis:paused',
    ]);
    const checks = view.timeline.filter((e) => e.evidence?.kind === 'metric');
    expect(new Set(checks.map((c) => c.verdict))).toEqual(new Set(['inconclusive']));
    expect(checks[0]?.evidence).toMatchObject({ requests: 30, minRequests: 100 });
    expect(h.world.notifications.some((n) => n.title === 'analysis:paused')).toBe(true);
    expect((await h.post(`/api/deployments/${d.id}/abort`, { comment: 'too quiet' }, ada)).status).toBe(202);
    expect((await h.finish(d.id)).deployment.state).toBe('RolledBack');
  });

  it('pauses on a Prometheus outage instead of promoting or rolling back, and resumes', async () => {
    h.world.metricsOutage = new Error('connect ECONNREFUSED 10.0.0.9:9090');
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    await h.waitForPhase(d.id, 'canary', 'operator (paused:');
    expect(h.world.weights).toEqual([10]);
    const view = await h.view(d.id);
    expect(titles(view.timeline, 'decision').filter((t) => t.startsWith('analysis:'))).toEqual([
      ...Array<string>(4).fill('analysis:hold'),
      'analysis:pause',
      'analysis:paused',
    ]);
    h.world.metricsOutage = undefined;
    // The dashboard's Resume button follows /api/me, which reads the canary's paused status.
    const me = await h.host.request(`/api/me?deployment=${d.id}`, { headers: principalHeaders(ada) });
    const caller = (await me.json()) as { deployment: { actions: Record<string, unknown> } };
    expect(caller.deployment.actions.resume).toEqual({ allowed: true });
    expect(
      (await h.post(`/api/deployments/${d.id}/resume`, { comment: 'Prometheus is back' }, ada)).status,
    ).toBe(202);
    const done = await h.finish(d.id);
    expect(done.deployment.state).toBe('Succeeded');
    expect(titles(done.timeline)).toContain('analysis:resumed');
  });

  it('rolls production back to the last known good release when verification fails', async () => {
    const good = digest();
    const first = await h.submit('ApiGateway', IMAGE(good));
    await toCanary(first.id);
    expect((await h.finish(first.id)).deployment.state).toBe('Succeeded');
    // The next release is fine under canary traffic but breaks once it serves everything.
    h.world.metric = (q, w) => {
      const prod = w.apps.get('api-gateway-prod')?.image?.digest;
      const broken = prod !== good && w.weight === 0;
      return q.template.includes('duration') ? 200 : broken ? 80 : 99.9;
    };
    const second = await h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(second.id);
    const view = await h.finish(second.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toMatch(/^error-rate out of bounds for 1[2-9]\ds: 80 < min 95$/);
    expect(h.world.deploys.at(-1)).toEqual({ app: 'api-gateway-prod', digest: good });
    const rollback = view.timeline.find((e) => e.title === 'rollback:production');
    expect(rollback?.evidence).toMatchObject({ to: first.id, digest: good });
  });
});

describe('HTTP surface of the pipeline', () => {
  it('the same push twice is one deployment (201, then 200 with the same record)', async () => {
    const img = IMAGE(digest());
    const first = await h.post('/api/deployments', { service: 'ApiGateway', image: img });
    const second = await h.post('/api/deployments', { service: 'ApiGateway', image: img });
    expect([first.status, second.status]).toEqual([201, 200]);
    const a = ((await first.json()) as { deployment: { id: string } }).deployment;
    const b = ((await second.json()) as { deployment: { id: string } }).deployment;
    expect(b.id).toBe(a.id);
    // The service name matches in any casing and is stored as configured: still the same deployment.
    const third = await h.post('/api/deployments', { service: 'apigateway', image: img });
    expect(third.status).toBe(200);
    expect(
      ((await third.json()) as { deployment: { id: string; service: string } }).deployment,
    ).toMatchObject({
      id: a.id,
      service: 'ApiGateway',
    });
  });

  it('cancels a running deployment over HTTP and refuses a second cancel with 409', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await h.waitForPhase(d.id, 'tests', 'test workflows');
    const res = await h.post(`/api/deployments/${d.id}/cancel`, { comment: 'wrong branch' }, ada);
    expect(res.status).toBe(202);
    const view = await h.finish(d.id);
    expect(view.deployment.state).toBe('Cancelled');
    expect(view.deployment.reason).toBe('cancel by ada: wrong branch');
    const again = await h.post(`/api/deployments/${d.id}/cancel`, {}, ada);
    expect(again.status).toBe(409);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe('deployment-finished');
  });

  it.each([
    ['malformed JSON', '{"service":', 'application/json', 400, 'malformed-json'],
    [
      'an unknown field',
      JSON.stringify({ service: 'ApiGateway', image: 'x', extra: 1 }),
      'application/json',
      400,
      'unknown-fields',
    ],
    [
      'a tag without digest',
      JSON.stringify({ service: 'ApiGateway', image: 'hearloveen.azurecr.io/api-gateway:1.0' }),
      'application/json',
      400,
      'image-digest-required',
    ],
    [
      'a hostile image',
      JSON.stringify({ service: 'ApiGateway', image: "x/../'or'1'='1@sha256:00" }),
      'application/json',
      400,
      'invalid-image',
    ],
    [
      'an unknown service',
      JSON.stringify({ service: 'Nope', image: `hearloveen.azurecr.io/api-gateway@${digest()}` }),
      'application/json',
      404,
      'unknown-service',
    ],
    ['a text body', 'service=ApiGateway', 'text/plain', 415, 'unsupported-media-type'],
    [
      'a huge body',
      JSON.stringify({ service: 'ApiGateway', image: 'x'.repeat(70_000) }),
      'application/json',
      413,
      'body-too-large',
    ],
  ])('rejects %s and starts nothing', async (_what, body, type, status, code) => {
    const res = await h.host.request('/api/deployments', {
      method: 'POST',
      headers: { 'content-type': type, ...(await import('./pipeline-harness.js')).principalHeaders(ci) },
      body,
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    const lanes = await h.host.request('/runtime/webhooks/durabletask/instances');
    expect(await lanes.json()).toEqual([]);
  });

  it('needs an identity and a known action', async () => {
    const anonymous = await h.host.request('/api/deployments', { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    expect((await h.post(`/api/deployments/${d.id}/explode`, {}, ada)).status).toBe(404);
    expect((await h.post(`/api/deployments/not-an-id/approve`, {}, ada)).status).toBe(400);
    expect((await h.host.request('/api/deployments/apigateway-0123456789ab')).status).toBe(404);
  });

  it('refuses a body-less action without a JSON content type (what a cross-site form or beacon sends)', async () => {
    const d = await h.submit('ApiGateway', IMAGE(digest()));
    await h.waitForPhase(d.id, 'tests', 'test workflows');
    const refused: Array<Record<string, string>> = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of refused) {
      const res = await h.host.request(`/api/deployments/${d.id}/cancel`, {
        method: 'POST',
        headers: { ...headers, ...principalHeaders(ada) },
      });
      expect(res.status).toBe(415);
    }
    expect((await h.view(d.id)).deployment.state).toBe('Testing');
    const ok = await h.host.request(`/api/deployments/${d.id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...principalHeaders(ada) },
    });
    expect(ok.status).toBe(202);
  });
});
