import { describe, expect, it } from 'vitest';
import { ada, ci, digest, principalHeaders, titles } from './pipeline-harness.js';
import {
  badCanary,
  completeTests,
  e2e,
  IMAGE,
  toCanary,
  usePipelineHost,
  WORKFLOWS,
} from './pipeline-setup.js';

usePipelineHost();

describe('pipeline end to end (dev host, virtual clock, fakes for outside systems)', () => {
  it('takes an image from push to Succeeded with the full timeline', async () => {
    const wall = performance.now();
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    expect(d.state).toBe('Queued');
    await completeTests(d.id);
    await e2e.h.waitForPhase(d.id, 'approval', 'approval', true);
    const approve = await e2e.h.post(`/api/deployments/${d.id}/approve`, { comment: 'looks good' }, ada);
    expect(approve.status).toBe(202);
    const view = await e2e.h.finish(d.id);
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
    expect(e2e.h.world.weights).toEqual([10, 25, 50, 0]);
    expect(e2e.h.world.deploys.map((x) => x.app)).toEqual(['api-gateway-staging', 'api-gateway-prod']);
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
    expect(e2e.h.world.dispatched.map((x) => x.workflow)).toEqual(WORKFLOWS);
    console.log(`happy path wall ${Math.round(performance.now() - wall)} ms`);
    void ci;
  });
});

describe('pipeline failures before traffic', () => {
  it('stops at a failing gate before anything is deployed', async () => {
    e2e.h.world.gateVerdicts.set('vulnerability', 'fail');
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('gate vulnerability failed');
    expect(e2e.h.world.deploys).toEqual([]);
    expect(view.timeline.find((e) => e.title === 'gate:vulnerability')?.verdict).toBe('fail');
  });

  it('rolls staging back when the sync fails', async () => {
    e2e.h.world.syncOutcomes.set('api-gateway-staging', 'Failed');
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('sync of api-gateway-staging failed');
    expect(e2e.h.world.rollbacks).toEqual([{ app: 'api-gateway-staging' }]);
    expect(titles(view.timeline)).toContain('rollback:api-gateway-staging');
  });

  it('fails when a smoke check fails', async () => {
    e2e.h.world.failingSmoke.add('database');
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toContain('smoke check database failed');
    expect(e2e.h.world.dispatched).toEqual([]);
  });

  it('fails when a test workflow fails', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id, 'failure', ['integration']);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('test workflow integration concluded failure');
  });

  it('fails when test workflows do not report in time', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('test workflow(s) timed out: integration');
  });
});

describe('approval', () => {
  it('ends the run on a rejection', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id);
    await e2e.h.waitForPhase(d.id, 'approval', 'approval');
    expect((await e2e.h.post(`/api/deployments/${d.id}/reject`, {}, ada)).status).toBe(400);
    expect(
      (await e2e.h.post(`/api/deployments/${d.id}/reject`, { comment: 'not during the sale' }, ada)).status,
    ).toBe(202);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Failed');
    expect(view.deployment.reason).toBe('rejected by ada: not during the sale');
    expect(e2e.h.world.weights).toEqual([]);
  });

  // Expiry without a window is covered on the virtual clock in test/orchestrations/approval-window.test.ts.
  it('proceeds without a human when the 02:00 auto-approve window opens before the request expires', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await completeTests(d.id);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Succeeded');
    const auto = view.timeline.find((e) => e.title === 'approval:auto (window opened)');
    expect(auto?.at).toMatch(/T02:00:00\.000Z$/);
    expect(titles(view.timeline)).not.toContain('approval:expired');
  });
});

describe('pipeline with traffic', () => {
  it('rolls the canary back when failed checks reach the threshold', async () => {
    badCanary();
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(d.id);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toBe(
      '5 failed checks reached the threshold of 5 (last: request-success-rate: 97 < min 99) at 10%',
    );
    expect(e2e.h.world.weights).toEqual([10, 0]);
    expect(e2e.h.world.scales.at(-1)).toEqual({ deployment: 'api-gateway-canary', replicas: 0 });
    expect(e2e.h.world.deploys.map((x) => x.app)).toEqual(['api-gateway-staging']);
    expect(view.deployment.weight).toBe(0);
    expect(e2e.h.world.notifications.some((n) => n.kind === 'incident')).toBe(true);
  });

  it('rolls production back to the last known good release when verification fails', async () => {
    const good = digest();
    const first = await e2e.h.submit('ApiGateway', IMAGE(good));
    await toCanary(first.id);
    expect((await e2e.h.finish(first.id)).deployment.state).toBe('Succeeded');
    // The next release is fine under canary traffic but breaks once it serves everything.
    e2e.h.world.metric = (q, w) => {
      const prod = w.apps.get('api-gateway-prod')?.image?.digest;
      const broken = prod !== good && w.weight === 0;
      return q.template.includes('duration') ? 200 : broken ? 80 : 99.9;
    };
    const second = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await toCanary(second.id);
    const view = await e2e.h.finish(second.id);
    expect(view.deployment.state).toBe('RolledBack');
    expect(view.deployment.reason).toMatch(/^error-rate out of bounds for 1[2-9]\ds: 80 < min 95$/);
    expect(e2e.h.world.apps.get('api-gateway-prod')?.image?.digest).toBe(good);
    expect(e2e.h.world.apps.get('api-gateway-staging')?.image?.digest).toBe(good);
    const rollback = view.timeline.find((e) => e.title === 'rollback:production');
    expect(rollback?.evidence).toMatchObject({ to: first.id, digest: good });
  });
});

describe('HTTP surface of the pipeline', () => {
  it('the same push twice is one deployment (201, then 200 with the same record)', async () => {
    const img = IMAGE(digest());
    const first = await e2e.h.post('/api/deployments', { service: 'ApiGateway', image: img });
    const second = await e2e.h.post('/api/deployments', { service: 'ApiGateway', image: img });
    expect([first.status, second.status]).toEqual([201, 200]);
    const a = ((await first.json()) as { deployment: { id: string } }).deployment;
    const b = ((await second.json()) as { deployment: { id: string } }).deployment;
    expect(b.id).toBe(a.id);
    // The service name matches in any casing and is stored as configured: still the same deployment.
    const third = await e2e.h.post('/api/deployments', { service: 'apigateway', image: img });
    expect(third.status).toBe(200);
    expect(
      ((await third.json()) as { deployment: { id: string; service: string } }).deployment,
    ).toMatchObject({
      id: a.id,
      service: 'ApiGateway',
    });
  });

  it('cancels a running deployment over HTTP and refuses a second cancel with 409', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await e2e.h.waitForPhase(d.id, 'tests', 'test workflows');
    const res = await e2e.h.post(`/api/deployments/${d.id}/cancel`, { comment: 'wrong branch' }, ada);
    expect(res.status).toBe(202);
    const view = await e2e.h.finish(d.id);
    expect(view.deployment.state).toBe('Cancelled');
    expect(view.deployment.reason).toBe('cancel by ada: wrong branch');
    const again = await e2e.h.post(`/api/deployments/${d.id}/cancel`, {}, ada);
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
    [
      "another service's image",
      JSON.stringify({ service: 'IoTService', image: IMAGE(digest()) }),
      'application/json',
      400,
      'repository-mismatch',
    ],
    [
      'the right repository in another registry',
      JSON.stringify({ service: 'ApiGateway', image: `evil.example.io/api-gateway:1.4.0@${digest()}` }),
      'application/json',
      400,
      'repository-mismatch',
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
    const res = await e2e.h.host.request('/api/deployments', {
      method: 'POST',
      headers: { 'content-type': type, ...(await import('./pipeline-harness.js')).principalHeaders(ci) },
      body,
    });
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    const lanes = await e2e.h.host.request('/runtime/webhooks/durabletask/instances');
    expect(await lanes.json()).toEqual([]);
  });

  it('needs an identity and a known action', async () => {
    const anonymous = await e2e.h.host.request('/api/deployments', { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    expect((await e2e.h.post(`/api/deployments/${d.id}/explode`, {}, ada)).status).toBe(404);
    expect((await e2e.h.post(`/api/deployments/not-an-id/approve`, {}, ada)).status).toBe(400);
    const unknown = await e2e.h.host.request('/api/deployments/apigateway-0123456789ab', {
      headers: principalHeaders(ada),
    });
    expect(unknown.status).toBe(404);
  });

  it('refuses a body-less action without a JSON content type (what a cross-site form or beacon sends)', async () => {
    const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await e2e.h.waitForPhase(d.id, 'tests', 'test workflows');
    const refused: Array<Record<string, string>> = [
      {},
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
    ];
    for (const headers of refused) {
      const res = await e2e.h.host.request(`/api/deployments/${d.id}/cancel`, {
        method: 'POST',
        headers: { ...headers, ...principalHeaders(ada) },
      });
      expect(res.status).toBe(415);
    }
    expect((await e2e.h.view(d.id)).deployment.state).toBe('Testing');
    const ok = await e2e.h.host.request(`/api/deployments/${d.id}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...principalHeaders(ada) },
    });
    expect(ok.status).toBe(202);
  });
});
