import { describe, expect, it } from 'vitest';
import { TableRunStore } from '../../shared/adapters/table-store.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { ada, ci, digest, linus, principalHeaders, titles, type User } from './pipeline-harness.js';
import { completeTests, e2e, IMAGE, usePipelineHost } from './pipeline-setup.js';

usePipelineHost();

type Retried = { deployment: DeploymentRecord; retryOf: DeploymentRecord };
type Failure = { error: { code: string; message: string; details: Record<string, unknown> } };

const retry = (id: string, body: unknown = {}, user: User = ada) =>
  e2e.h.post(`/api/deployments/${id}/retry`, body, user);

async function mayRetry(id: string): Promise<{ allowed: boolean; reason?: string }> {
  const res = await e2e.h.host.request(`/api/me?deployment=${id}`, { headers: principalHeaders(ada) });
  const me = (await res.json()) as { deployment: { actions: { retry: { allowed: boolean } } } };
  return me.deployment.actions.retry;
}

/** A run that failed at the vulnerability gate; the gate passes afterwards (an allow-list fix, say). */
async function failedAtGate(): Promise<DeploymentRecord> {
  e2e.h.world.gateVerdicts.set('vulnerability', 'fail');
  const d = await e2e.h.submit('ApiGateway', IMAGE(digest()));
  const view = await e2e.h.finish(d.id);
  expect(view.deployment.state).toBe('Failed');
  e2e.h.world.gateVerdicts.delete('vulnerability');
  return view.deployment;
}

describe('POST /api/deployments/{id}/retry (dev host, virtual clock)', () => {
  it('runs a failed image again as a new linked run that reaches Succeeded; the push stays idempotent', async () => {
    const first = await failedAtGate();
    expect(await mayRetry(first.id)).toEqual({ allowed: true });
    const res = await retry(first.id, { comment: 'CVE allow-listed' });
    expect(res.status).toBe(201);
    const { deployment: run, retryOf } = (await res.json()) as Retried;
    expect(run.id).toBe(`${first.id}-r1`);
    expect(res.headers.get('location')).toBe(`/api/deployments/${run.id}`);
    expect(run).toMatchObject({ state: 'Queued', retryOf: first.id, image: first.image, pushedBy: 'ci-bot' });
    expect(retryOf).toMatchObject({ id: first.id, state: 'Failed', retriedBy: run.id });
    // The same digest pushed again is still the first run: nothing new is queued.
    const again = await e2e.h.post('/api/deployments', {
      service: 'ApiGateway',
      image: IMAGE(first.image.digest),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { deployment: DeploymentRecord }).deployment.id).toBe(first.id);

    await completeTests(run.id);
    await e2e.h.waitForPhase(run.id, 'approval', 'approval');
    expect((await e2e.h.post(`/api/deployments/${run.id}/approve`, { comment: 'ok' }, linus)).status).toBe(
      202,
    );
    const done = await e2e.h.finish(run.id);
    expect(done.deployment).toMatchObject({ state: 'Succeeded', retryOf: first.id });
    expect(done.timeline[0]).toMatchObject({
      title: '->Queued',
      actor: 'ada',
      comment: 'CVE allow-listed',
      evidence: { source: 'retry', retryOf: first.id },
    });
    expect(titles(done.timeline, 'transition').at(-1)).toBe('Verifying->Succeeded');
    const old = await e2e.h.view(first.id);
    expect(old.deployment).toMatchObject({ state: 'Failed', retriedBy: run.id });
    expect(old.timeline.at(-1)).toMatchObject({
      kind: 'action',
      title: 'retry',
      actor: 'ada',
      comment: 'CVE allow-listed',
      evidence: { retriedBy: run.id },
    });
    // Succeeded: nothing to retry; the first run was retried already.
    const succeeded = await retry(run.id);
    expect(succeeded.status).toBe(409);
    expect(((await succeeded.json()) as Failure).error.code).toBe('deployment-succeeded');
    const twice = await retry(first.id);
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as Failure).error).toMatchObject({
      code: 'retry-exists',
      details: { retriedBy: run.id, retryState: 'Succeeded' },
    });
    expect(await mayRetry(first.id)).toMatchObject({ allowed: false });
  });

  it('makes two racing retries one run and answers the other 409; a running run is refused', async () => {
    const first = await failedAtGate();
    const answers = await Promise.all([retry(first.id, {}, ada), retry(first.id, {}, ci)]);
    expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
    const loser = answers.find((r) => r.status === 409) as Response;
    expect(((await loser.json()) as Failure).error).toMatchObject({
      code: 'retry-exists',
      details: { deployment: first.id, retriedBy: `${first.id}-r1` },
    });
    const page = await e2e.h.host.request('/api/deployments?service=ApiGateway', {
      headers: principalHeaders(ada),
    });
    const ids = ((await page.json()) as { items: DeploymentRecord[] }).items.map((d) => d.id);
    expect(ids).toEqual([first.id, `${first.id}-r1`]);
    const run = `${first.id}-r1`;
    await e2e.h.waitForPhase(run, 'tests', 'test workflows');
    const running = await retry(run);
    expect(running.status).toBe(409);
    expect(((await running.json()) as Failure).error.code).toBe('deployment-not-finished');
    expect(await mayRetry(run)).toMatchObject({ allowed: false });
    const queued = (await e2e.h.view(run)).timeline.filter((e) => e.title === '->Queued');
    expect(queued).toHaveLength(1);
  });

  it('goes through the service lane: waits while another image runs, and a cancelled retry can be retried', async () => {
    const first = await failedAtGate();
    const other = await e2e.h.submit('ApiGateway', IMAGE(digest()));
    await e2e.h.waitForPhase(other.id, 'tests', 'test workflows');
    const res = await retry(first.id);
    expect(res.status).toBe(201);
    const run = ((await res.json()) as Retried).deployment.id;
    expect((await e2e.h.view(run)).deployment.state).toBe('Queued');
    const pipeline = await e2e.h.host.request(
      `/runtime/webhooks/durabletask/instances/${encodeURIComponent(`deploy:${run}`)}`,
    );
    expect(pipeline.status).toBe(404); // not started: the lane is busy with the other image
    expect(
      (await e2e.h.post(`/api/deployments/${other.id}/cancel`, { comment: 'make way' }, ada)).status,
    ).toBe(202);
    await e2e.h.finish(other.id);
    await e2e.h.waitForPhase(run, 'tests', 'test workflows');
    expect((await e2e.h.post(`/api/deployments/${run}/cancel`, { comment: 'not now' }, ada)).status).toBe(
      202,
    );
    expect((await e2e.h.finish(run)).deployment.state).toBe('Cancelled');
    const next = await retry(run);
    expect(next.status).toBe(201);
    expect(((await next.json()) as Retried).deployment).toMatchObject({ id: `${first.id}-r2`, retryOf: run });
    // The lane closed each run's own queue row, so the second retry runs in its turn.
    await e2e.h.waitForPhase(`${first.id}-r2`, 'tests', 'test workflows');
    const store = await TableRunStore.create({
      connectionString: e2e.storage,
      tablePrefix: process.env.GANTRY_TABLE_PREFIX ?? '',
    });
    const rows = (await store.listQueue('ApiGateway')).filter((q) => q.deploymentId.startsWith(first.id));
    const d = first.image.digest;
    expect(rows.map((q) => [q.digest, q.state])).toEqual([
      [d, 'done'],
      [`${d}-r1`, 'done'],
      [`${d}-r2`, 'running'],
    ]);
  });

  it.each([
    ['an unknown deployment', 'apigateway-0123456789ab', 404, 'deployment-not-found'],
    ['a malformed id', 'apigateway-0123456789ab-r0', 400, 'invalid-deployment-id'],
  ])('answers %s with %i', async (_name, id, status, code) => {
    const res = await retry(id);
    expect(res.status).toBe(status);
    expect(((await res.json()) as Failure).error.code).toBe(code);
  });

  it('refuses a caller without an identity, writing nothing', async () => {
    const first = await failedAtGate();
    const res = await e2e.h.host.request(`/api/deployments/${first.id}/retry`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(401);
    expect((await e2e.h.view(first.id)).deployment.retriedBy).toBeUndefined();
  });
});
