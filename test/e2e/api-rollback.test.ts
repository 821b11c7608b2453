import { describe, expect, it } from 'vitest';
import type { ReleaseRecord } from '../../shared/domain/deployment.js';
import { api, getJson, seedReleases, useApiHost, type ErrorBody } from './api-fixtures.js';
import { ada, digest, titles, type View } from './pipeline-harness.js';

useApiHost();

type Rollback = {
  rollback: { app: string; from: ReleaseRecord; to: ReleaseRecord; requestedBy: string; instanceId: string };
};

async function rollback(
  service: string,
  body: unknown,
  user = ada,
): Promise<{ status: number; body: Rollback & ErrorBody }> {
  const res = await api.h.post(`/api/services/${service}/rollback`, body, user);
  return { status: res.status, body: (await res.json()) as Rollback & ErrorBody };
}

describe('POST /api/services/{name}/rollback', () => {
  it('records a failed sync, refuses a second rollback while one runs, and allows one after', async () => {
    const [, r2, r3] = await seedReleases();
    api.h.world.syncOutcomes.set('api-gateway-prod', 'Failed');
    const first = await rollback('ApiGateway', { comment: 'first' });
    expect(first.status).toBe(202);
    const second = await rollback('ApiGateway', { comment: 'second' });
    expect([second.status, second.body.error?.code]).toEqual([409, 'rollback-running']);
    await api.h.host.waitForCompletion(first.body.rollback.instanceId);
    const timeline = (await api.h.view(r2?.deploymentId ?? '')).timeline;
    expect(timeline.find((e) => e.title === 'rollback:sync-failed:api-gateway-prod')?.verdict).toBe('fail');
    api.h.world.syncOutcomes.delete('api-gateway-prod');
    // Without `to`, "previous" is relative to the current release: the first rollback is undone.
    const again = await rollback('ApiGateway', { comment: 'undo' });
    expect([again.status, again.body.rollback?.to.deploymentId]).toEqual([202, r3?.deploymentId]);
    await api.h.host.waitForCompletion(again.body.rollback.instanceId);
    expect(api.h.world.deploys.map((d) => d.digest)).toEqual([r2?.image.digest, r3?.image.digest]);
  });

  it('two rollbacks of one service at once: one 202, the other 409 rollback-running', async () => {
    await seedReleases();
    const answers = await Promise.all([
      rollback('ApiGateway', { comment: 'a' }),
      rollback('ApiGateway', { comment: 'b' }),
    ]);
    const codes = answers.map((a) => [a.status, a.body.error?.code ?? 'ok']).sort();
    expect(codes).toEqual([
      [202, 'ok'],
      [409, 'rollback-running'],
    ]);
    const started = answers.find((a) => a.status === 202);
    await api.h.host.waitForCompletion(started?.body.rollback.instanceId ?? '');
    expect(api.h.world.deploys).toHaveLength(1);
  });

  it('goes back to the previous release without a pipeline run, and audits it in both timelines', async () => {
    const [, r2, r3] = await seedReleases();
    const { status, body } = await rollback('ApiGateway', { comment: 'p95 doubled after 1.0.202' });
    expect(status).toBe(202);
    expect(body.rollback.instanceId).toBe('rollback:ApiGateway');
    await api.h.host.waitForCompletion(body.rollback.instanceId);
    expect(body.rollback).toMatchObject({ app: 'api-gateway-prod', requestedBy: 'ada' });
    expect(body.rollback.from.deploymentId).toBe(r3?.deploymentId);
    expect(body.rollback.to.deploymentId).toBe(r2?.deploymentId);
    expect(api.h.world.deploys).toEqual([{ app: 'api-gateway-prod', digest: r2?.image.digest }]);
    const releases = await getJson<{ releases: ReleaseRecord[] }>('/api/services/ApiGateway/releases');
    expect(releases.body.releases[0]?.deploymentId).toBe(r2?.deploymentId);
    const to: View = await api.h.view(r2?.deploymentId ?? '');
    const entry = to.timeline.find((e) => e.title === 'rollback:to');
    expect(entry).toMatchObject({ kind: 'action', actor: 'ada', comment: 'p95 doubled after 1.0.202' });
    expect(entry?.evidence).toMatchObject({
      from: r3?.deploymentId,
      to: r2?.deploymentId,
      app: 'api-gateway-prod',
    });
    expect(titles(to.timeline)).toContain('rollback:synced:api-gateway-prod');
    expect(titles((await api.h.view(r3?.deploymentId ?? '')).timeline)).toContain('rollback:from');
    expect(api.h.world.dispatched).toEqual([]); // no tests, no pipeline
  });

  it('holds a new push in the queue while the rollback syncs, then runs it', async () => {
    const [, r2] = await seedReleases();
    api.h.world.syncPolls = 12; // two minutes of Argo CD sync at the 10 s poll
    const { body } = await rollback('ApiGateway', { comment: 'incident 4711' });
    const pushed = await api.h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:1.1.0@${digest()}`);
    const lane = await api.h.host.waitFor('lane:ApiGateway', (s) =>
      (s.customStatus ?? '').includes(`rollback to ${r2?.deploymentId} to finish`),
    );
    expect(lane.runtimeStatus).toBe('Running');
    // Nothing of the new image has touched Argo CD: only the rollback's production sync.
    expect(api.h.world.deploys).toEqual([{ app: 'api-gateway-prod', digest: r2?.image.digest }]);
    expect((await api.h.view(pushed.id)).deployment.state).toBe('Queued');
    await api.h.host.waitForCompletion(body.rollback.instanceId);
    await api.h.waitForPhase(pushed.id, 'tests', 'test workflows');
    expect(api.h.world.deploys.map((d) => d.app)).toEqual(['api-gateway-prod', 'api-gateway-staging']);
  });

  it('goes back to a given release', async () => {
    const [r1] = await seedReleases();
    const { status, body } = await rollback('ApiGateway', {
      to: r1?.deploymentId,
      comment: 'back to 1.0.200',
    });
    expect(status).toBe(202);
    await api.h.host.waitForCompletion(body.rollback.instanceId);
    expect(body.rollback.to.deploymentId).toBe(r1?.deploymentId);
    expect(api.h.world.deploys).toEqual([{ app: 'api-gateway-prod', digest: r1?.image.digest }]);
  });

  it('refuses bad requests, unknown services and releases, and conflicts', async () => {
    const [, , r3] = await seedReleases();
    await seedReleases('UserService', 1);
    const cases: Array<[string, unknown, number, string]> = [
      ['ApiGateway', {}, 400, 'missing-field'],
      ['ApiGateway', { comment: '  ' }, 400, 'comment-required'],
      ['ApiGateway', { comment: 'x', extra: 1 }, 400, 'unknown-fields'],
      ['Nope', { comment: 'x' }, 404, 'unknown-service'],
      ['ApiGateway', { to: 'apigateway-000000000000', comment: 'x' }, 404, 'release-not-found'],
      ['ApiGateway', { to: r3?.deploymentId, comment: 'x' }, 409, 'already-current'],
      ['AudioService', { comment: 'x' }, 409, 'no-previous-release'],
      ['UserService', { comment: 'x' }, 409, 'no-previous-release'],
    ];
    for (const [service, body, status, code] of cases) {
      const res = await rollback(service, body);
      expect([service, res.status, res.body.error?.code]).toEqual([service, status, code]);
    }
    const anonymous = await api.h.host.request('/api/services/ApiGateway/rollback', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment: 'x' }),
    });
    expect(anonymous.status).toBe(401);
    expect(api.h.world.deploys).toEqual([]);
  });

  it('refuses while a pipeline is running for the service', async () => {
    await seedReleases();
    const running = await api.h.submit('ApiGateway', `hearloveen.azurecr.io/api-gateway:9.9.9@${digest()}`);
    const res = await rollback('ApiGateway', { comment: 'x' });
    expect([res.status, res.body.error.code, res.body.error.details.deploymentId]).toEqual([
      409,
      'pipeline-running',
      running.id,
    ]);
    expect(api.h.world.deploys.filter((d) => d.app === 'api-gateway-prod')).toEqual([]);
  });
});
