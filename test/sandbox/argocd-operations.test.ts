import { describe, expect, it } from 'vitest';
import {
  call as send,
  DIGEST,
  deployedImage,
  tagPatch,
  useArgoCdSandbox,
  V1,
  type Body,
} from './argocd-harness.js';

const h = useArgoCdSandbox();
const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
  send(h, method, path, body, headers);
const image = () => deployedImage(h);

describe('sandbox Argo CD: operations', () => {
  const sync = (
    body: unknown = {
      name: 'web',
      prune: false,
      strategy: { hook: {} },
      syncOptions: { items: ['CreateNamespace=true'] },
    },
  ) => call('POST', '/api/v1/applications/web/sync', body);

  it('syncs on virtual time: hook, apply, history, then health from the Deployment', async () => {
    await call('PATCH', '/api/v1/applications/web', { patchType: 'merge', patch: tagPatch(`v2@${DIGEST}`) });
    const started = await sync();
    expect(started.status).toBe(200);
    expect(started.body.operation).toEqual({
      sync: { prune: false, syncStrategy: { hook: {} }, syncOptions: ['CreateNamespace=true'] },
      initiatedBy: { username: 'gantry' },
      retry: {},
    });
    expect(started.body.status.operationState).toMatchObject({
      phase: 'Running',
      message: expect.stringContaining('db-migrate'),
    });
    const busy = await sync();
    expect(busy).toEqual({
      status: 400,
      body: {
        error: 'another operation is already in progress',
        code: 9,
        message: 'another operation is already in progress',
      },
    });
    h.clock.advance(4_999);
    expect((await call('GET', '/api/v1/applications/web')).body.operation).toBeDefined();
    h.clock.advance(1);
    const done = (await call('GET', '/api/v1/applications/web')).body;
    expect(done.operation).toBeUndefined();
    expect(done.status.operationState).toMatchObject({
      phase: 'Succeeded',
      message: 'successfully synced (all tasks run)',
    });
    expect(done.status.operationState.syncResult.resources.map((r: Body) => r.kind)).toEqual([
      'Job',
      'Deployment',
    ]);
    expect(done.status.history.map((h: Body) => h.id)).toEqual([0, 1]);
    expect(done.status).toMatchObject({ sync: { status: 'Synced' }, health: { status: 'Progressing' } });
    expect(image()).toBe(`reg.example.io/web:v2@${DIGEST}`);
    h.clock.advance(30_000);
    expect((await call('GET', '/api/v1/applications/web')).body.status.health.status).toBe('Healthy');
  });

  it('fails the sync in the PreSync hook for an image with syncFailure, applying nothing', async () => {
    h.world.faults.set(DIGEST, { syncFailure: true });
    await call('PATCH', '/api/v1/applications/web', { patchType: 'merge', patch: tagPatch(`v2@${DIGEST}`) });
    await sync();
    h.clock.advance(5_000);
    const { body } = await call('GET', '/api/v1/applications/web');
    expect(body.status.operationState.phase).toBe('Failed');
    expect(body.status.operationState.message).toMatch(/^PreSync hook db-migrate failed: /);
    expect(body.status.history).toHaveLength(1);
    expect(body.status.sync.status).toBe('OutOfSync');
    expect(image()).toBe(V1);
  });

  it('reports Degraded for a crash-looping image, also in the resource tree', async () => {
    h.world.faults.set('v9', { crashLoop: true });
    await call('PATCH', '/api/v1/applications/web', { patchType: 'merge', patch: tagPatch('v9') });
    await sync({ name: 'web', strategy: { apply: { force: false } } });
    h.clock.advance(1_000);
    const { body } = await call('GET', '/api/v1/applications/web');
    expect(body.status.operationState.phase).toBe('Succeeded');
    expect(body.status.health.status).toBe('Degraded');
    const tree = (await call('GET', '/api/v1/applications/web/resource-tree')).body;
    expect(tree.nodes.map((n: Body) => n.kind)).toEqual(['Deployment', 'ReplicaSet', 'Pod', 'Pod']);
    expect(tree.nodes[2].info[0]).toEqual({ name: 'Status Reason', value: 'CrashLoopBackOff' });
    h.clock.advance(600_000);
    expect((await call('GET', '/api/v1/applications/web')).body.status.health.message).toContain(
      'progress deadline',
    );
  });

  it('terminates a running operation, and refuses when none runs', async () => {
    const idle = await call('DELETE', '/api/v1/applications/web/operation');
    expect(idle).toMatchObject({
      status: 400,
      body: { code: 3, message: 'Unable to terminate operation. No operation is in progress' },
    });
    await sync();
    expect(await call('DELETE', '/api/v1/applications/web/operation')).toEqual({ status: 200, body: {} });
    expect((await call('GET', '/api/v1/applications/web')).body.status.operationState.phase).toBe(
      'Terminating',
    );
    h.clock.advance(1_000);
    const { body } = await call('GET', '/api/v1/applications/web');
    expect(body.status.operationState).toMatchObject({ phase: 'Failed', message: 'Operation terminated' });
    expect(body.operation).toBeUndefined();
  });

  it('rolls back to a history entry with the apply strategy', async () => {
    await call('PATCH', '/api/v1/applications/web', { patchType: 'merge', patch: tagPatch('v2') });
    await sync();
    h.clock.advance(5_000);
    const unknown = await call('POST', '/api/v1/applications/web/rollback', { name: 'web', id: 7 });
    expect(unknown).toMatchObject({
      status: 400,
      body: { code: 3, message: 'application web does not have deployment with id 7' },
    });
    const started = await call('POST', '/api/v1/applications/web/rollback', {
      name: 'web',
      id: '0',
      prune: false,
      dryRun: false,
    });
    expect(started.body.operation.sync).toMatchObject({
      syncStrategy: { apply: {} },
      source: { helm: { parameters: [{ value: 'v1' }] } },
    });
    h.clock.advance(1_000);
    const { body } = await call('GET', '/api/v1/applications/web');
    expect(image()).toBe(V1);
    expect(body.status.history.map((h: Body) => h.id)).toEqual([0, 1, 2]);
    expect(body.status.sync.status).toBe('OutOfSync'); // spec still names v2, as in Argo CD
  });

  it('refuses rollback with auto-sync and sync to another revision', async () => {
    const rollback = await call('POST', '/api/v1/applications/auto/rollback', { name: 'auto', id: 0 });
    expect(rollback).toMatchObject({
      status: 400,
      body: { code: 9, message: 'rollback cannot be initiated when auto-sync is enabled' },
    });
    const other = await call('POST', '/api/v1/applications/auto/sync', { revision: 'v9' });
    expect(other.body.message).toBe('Cannot sync to v9: auto-sync currently set to main');
  });

  it('keeps at most ten history entries with increasing ids, and dry runs add none', async () => {
    for (let i = 2; i <= 12; i++) {
      await call('PATCH', '/api/v1/applications/web', { patchType: 'merge', patch: tagPatch(`v${i}`) });
      await sync({ name: 'web', revision: 'main' });
      h.clock.advance(5_000);
    }
    await sync({ name: 'web', dryRun: true });
    h.clock.advance(5_000);
    const { body } = await call('GET', '/api/v1/applications/web');
    expect(body.status.history.map((h: Body) => h.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(body.status.operationState.operation.sync.dryRun).toBe(true);
  });
});
