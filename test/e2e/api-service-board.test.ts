import { describe, expect, it } from 'vitest';
import type { ServiceBoard } from '../../shared/app/service-board.js';
import type { DeploymentRecord } from '../../shared/domain/deployment.js';
import { deploymentIdFor } from '../../shared/domain/image-ref.js';
import { api, getJson, iso, seedReleases, useApiHost, type ErrorBody } from './api-fixtures.js';
import { ada, digest } from './pipeline-harness.js';

useApiHost();

const board = async (service = 'ApiGateway') => getJson<ServiceBoard & ErrorBody>(`/api/services/${service}`);
const production = (b: ServiceBoard) => b.environments.find((e) => e.environment === 'production');

async function rollBack(): Promise<void> {
  const res = await api.h.post('/api/services/ApiGateway/rollback', { comment: 'p95 doubled' }, ada);
  expect(res.status).toBe(202);
  await api.h.host.waitForCompletion('rollback:ApiGateway');
}

/** Lets the fake Argo CD finish the sync it is doing (it answers Running for `syncPolls` reads). */
async function settle(app: string): Promise<void> {
  for (let i = 0; i < 10 && (await api.h.world.status(app)).phase !== 'Succeeded'; i++);
}

describe('GET /api/services/{name}', () => {
  it('after a release and a rollback shows the restored version live, read back from Argo CD', async () => {
    const [, r2, r3] = await seedReleases();
    await rollBack();
    await settle('api-gateway-prod');
    const { status, body } = await board('apigateway');
    expect(status).toBe(200);
    expect(body.service).toBe('ApiGateway');
    const prod = production(body);
    expect(prod?.live.argo).toMatchObject({ reachable: true, app: 'api-gateway-prod', sync: 'Synced' });
    expect(prod?.current).toMatchObject({ verdict: 'match', digest: r2?.image.digest, version: '1.0.201' });
    expect(body.lastKnownGood).toMatchObject({ deploymentId: r2?.deploymentId, via: 'rollback' });
    // The release rolled away from is listed, but not as current: nothing says it is live.
    const listed = body.releases.map((r) => [r.deploymentId, r.current, r.rolledBack, r.via ?? null]);
    expect(listed.slice(0, 2)).toEqual([
      [r2?.deploymentId, true, false, 'rollback'],
      [r3?.deploymentId, false, true, null],
    ]);
    // Its deployment record still says Succeeded; the board's outcomes say it was rolled back.
    expect(body.recent.find((d) => d.id === r3?.deploymentId)).toMatchObject({
      state: 'Succeeded',
      rolledBack: true,
    });
    expect(body.recent.find((d) => d.id === r2?.deploymentId)?.rolledBack).toBe(false);
    expect(body.releases.filter((r) => r.current)).toHaveLength(1);
    expect(body.inFlight).toBeNull();
    expect(body.holds.filter((h) => h.kind === 'rollback')).toEqual([]);
  });

  it('shows drift when Argo CD runs another image than the last release', async () => {
    const [, , r3] = await seedReleases();
    const other = digest();
    await api.h.world.deployImage(
      'api-gateway-prod',
      { kind: 'kustomize-image', name: 'hearloveen.azurecr.io/api-gateway' },
      { registry: 'hearloveen.azurecr.io', repository: 'apigateway', digest: other },
    );
    await settle('api-gateway-prod');
    const prod = production((await board()).body);
    expect(prod?.recorded?.deploymentId).toBe(r3?.deploymentId);
    expect(prod?.current.verdict).toBe('drift');
    expect(prod?.current.digest).toBe(other);
    expect(prod?.current.version).toBeNull();
    expect(prod?.current).toMatchObject({ message: expect.stringContaining(r3?.image.digest ?? '?') });
  });

  it('shows the deployment in flight with its stage and live weight, and the queue behind it', async () => {
    await seedReleases();
    const make = async (state: DeploymentRecord['state'], weight: number, minute: number) => {
      const d = digest();
      const record: DeploymentRecord = {
        id: deploymentIdFor('ApiGateway', d),
        service: 'ApiGateway',
        image: {
          registry: 'hearloveen.azurecr.io',
          repository: 'apigateway',
          tag: `1.1.${minute}`,
          digest: d,
        },
        state,
        source: 'manual',
        createdAt: iso(minute),
        updatedAt: iso(minute),
        weight,
      };
      await api.store.createDeployment(record);
      const queued = state === 'Queued' ? 'queued' : 'running';
      await api.store.enqueue({
        service: 'ApiGateway',
        digest: d,
        deploymentId: record.id,
        enqueuedAt: iso(minute),
        state: queued,
      });
      return record;
    };
    const running = await make('Canary', 25, 300);
    const waiting = await make('Queued', 0, 301);
    await api.h.world.setWeight({} as never, { kind: 'replicas' }, 25);
    const { body } = await board();
    expect(body.inFlight).toMatchObject({
      id: running.id,
      state: 'Canary',
      weight: 25,
      liveWeight: 25,
      version: '1.1.300',
    });
    expect(body.queue).toEqual([
      { deploymentId: waiting.id, digest: waiting.image.digest, enqueuedAt: iso(301) },
    ]);
  });

  it('shows a running manual rollback as a hold, and drops it when the rollback is done', async () => {
    await seedReleases();
    api.h.world.syncPolls = 1_000; // Argo CD keeps syncing: the rollback stays in progress
    const res = await api.h.post('/api/services/ApiGateway/rollback', { comment: 'hold' }, ada);
    expect(res.status).toBe(202);
    await api.h.host.waitFor('rollback:ApiGateway', 'Running', { advanceTime: false });
    const during = (await board()).body;
    expect(during.holds.filter((h) => h.kind === 'rollback')).toEqual([
      { kind: 'rollback', message: 'A manual rollback of ApiGateway is in progress; the lane waits for it.' },
    ]);
    const app = api.h.world.apps.get('api-gateway-prod');
    if (app) app.pollsLeft = 0;
    api.h.world.syncPolls = 1;
    await api.h.host.waitForCompletion('rollback:ApiGateway');
    expect((await board()).body.holds.filter((h) => h.kind === 'rollback')).toEqual([]);
  });

  it('marks Argo CD unreachable and still answers the rest of the board', async () => {
    const [, , r3] = await seedReleases();
    api.h.world.failNext('status', new Error('connect ECONNREFUSED 127.0.0.1:1'), 2);
    const { status, body } = await board();
    expect(status).toBe(200);
    const prod = production(body);
    expect(prod?.live.argo).toMatchObject({
      reachable: false,
      error: expect.stringContaining('ECONNREFUSED'),
    });
    expect(body.lastKnownGood?.deploymentId).toBe(r3?.deploymentId);
  });

  it('answers 404 for an unknown service and 401 without a caller', async () => {
    const missing = await board('Nope');
    expect([missing.status, missing.body.error?.code]).toEqual([404, 'unknown-service']);
    const anonymous = await api.h.host.request('/api/services/ApiGateway');
    expect(anonymous.status).toBe(401);
  });
});
