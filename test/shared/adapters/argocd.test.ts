import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../devhost/durable/clock.js';
import {
  addApplication,
  settleArgoCd,
  startArgoCdSandbox,
  type ArgoCdSandbox,
} from '../../../sandbox/argocd.js';
import { argoState } from '../../../sandbox/argocd-state.js';
import { deploymentImage } from '../../../sandbox/rollout.js';
import { SandboxWorld } from '../../../sandbox/world.js';
import { ArgoCdError, ArgoCdGitOps } from '../../../shared/adapters/argocd.js';
import type { ImageBinding, ImageRef } from '../../../shared/contracts/plan.js';

const TOKEN = 'argocd-api-token-0123456789';
const d = (c: string) => `sha256:${c.repeat(64)}`;
const ref = (tag: string | undefined, digest: string, repository = 'web'): ImageRef => ({
  registry: 'reg.example.io',
  repository,
  ...(tag ? { tag } : {}),
  digest,
});
const HELM: ImageBinding = { kind: 'helm-parameter', parameter: 'image.tag' };
const KUSTOMIZE: ImageBinding = { kind: 'kustomize-image', name: 'reg.example.io/api' };

let clock: VirtualClock;
let world: SandboxWorld;
let sandbox: ArgoCdSandbox;
let argo: ArgoCdGitOps;

beforeEach(async () => {
  clock = new VirtualClock();
  world = new SandboxWorld(clock);
  addApplication(world, {
    name: 'web',
    namespace: 'prod',
    deployment: 'web',
    project: 'shop',
    helmParameter: 'image.tag',
    image: 'reg.example.io/web:v1',
  });
  addApplication(world, {
    name: 'api',
    namespace: 'prod',
    deployment: 'api',
    project: 'shop',
    kustomizeImage: 'reg.example.io/api',
    image: 'reg.example.io/api:v1',
  });
  addApplication(world, {
    name: 'auto',
    namespace: 'stg',
    deployment: 'auto',
    helmParameter: 'image',
    image: 'reg.example.io/auto:v1',
    autoSync: true,
  });
  sandbox = await startArgoCdSandbox(world, { token: TOKEN });
  argo = new ArgoCdGitOps({ baseUrl: sandbox.url, token: async () => TOKEN, project: 'shop' });
});
afterEach(() => sandbox.close());

/** The Deployment as the Kubernetes stand-in would serve it (it settles Argo CD first). */
const image = (name: string, ns = 'prod') => {
  settleArgoCd(world);
  return deploymentImage(world.get('Deployment', ns, name)!);
};
const app = (name: string) => argoState(world).apps.get(name)!;

async function caught(promise: Promise<unknown>): Promise<ArgoCdError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ArgoCdError);
  return error as ArgoCdError;
}

describe('ArgoCdGitOps against the sandbox', () => {
  it('deploys a Helm parameter pinned by digest, keeping other parameters, and reaches Healthy', async () => {
    app('web').spec.source.helm!.parameters!.unshift({ name: 'replicaCount', value: '3' });
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    expect(app('web').spec.source.helm!.parameters).toEqual([
      { name: 'replicaCount', value: '3' },
      { name: 'image.tag', value: `v2@${d('a')}`, forceString: true },
    ]);
    expect(await argo.status('web')).toMatchObject({ phase: 'Running', historyId: 0 });
    clock.advance(5_000);
    expect(await argo.status('web')).toMatchObject({
      phase: 'Succeeded',
      sync: 'Synced',
      health: 'Progressing',
      historyId: 1,
    });
    expect(image('web')).toBe(`reg.example.io/web:v2@${d('a')}`);
    clock.advance(30_000);
    const state = await argo.status('web');
    expect(state).toMatchObject({
      phase: 'Succeeded',
      sync: 'Synced',
      health: 'Healthy',
      message: 'successfully synced (all tasks run)',
    });
    expect(state.revision).toMatch(/^[0-9a-f]{40}$/);
  });

  it('deploys a Kustomize image by digest, replacing only its own entry', async () => {
    app('api').spec.source.kustomize!.images!.push('reg.example.io/sidecar=reg.example.io/sidecar:v5');
    await argo.deployImage('api', KUSTOMIZE, ref('v2', d('b'), 'api'));
    expect(app('api').spec.source.kustomize!.images).toEqual([
      `reg.example.io/api=reg.example.io/api@${d('b')}`,
      'reg.example.io/sidecar=reg.example.io/sidecar:v5',
    ]);
    clock.advance(35_000);
    expect(await argo.status('api')).toMatchObject({ phase: 'Succeeded', sync: 'Synced', health: 'Healthy' });
    expect(image('api')).toBe(`reg.example.io/api@${d('b')}`);
  });

  it('reports a failed PreSync migration and rolls back to the release still running', async () => {
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    clock.advance(35_000);
    world.faults.set(d('c'), { syncFailure: true });
    await argo.deployImage('web', HELM, ref('v3', d('c')));
    clock.advance(5_000);
    const failed = await argo.status('web');
    expect(failed).toMatchObject({ phase: 'Failed', sync: 'OutOfSync', historyId: 1 });
    expect(failed.message).toMatch(/^PreSync hook db-migrate failed/);
    await argo.rollback('web');
    expect(app('web').operation?.rollbackSource?.helm?.parameters?.[0]?.value).toBe(`v2@${d('a')}`);
    clock.advance(1_000);
    expect(image('web')).toBe(`reg.example.io/web:v2@${d('a')}`);
    expect((await argo.status('web')).historyId).toBe(2);
  });

  it('rolls back a bad release to the previous history entry, restoring the previous image', async () => {
    world.faults.set(d('e'), { crashLoop: true });
    await argo.deployImage('web', HELM, ref('v2', d('e')));
    clock.advance(5_000);
    expect(await argo.status('web')).toMatchObject({
      phase: 'Succeeded',
      health: 'Degraded',
      message: expect.stringContaining('CrashLoopBackOff'),
    });
    await argo.rollback('web');
    await argo.rollback('web'); // a retried activity: the rollback already running is ours
    clock.advance(1_000);
    expect(image('web')).toBe('reg.example.io/web:v1');
    expect(app('web').history.map((h) => h.id)).toEqual([0, 1, 2]);
    clock.advance(30_000);
    expect(await argo.status('web')).toMatchObject({ phase: 'Succeeded', health: 'Healthy' });
    await argo.rollback('web', 1);
    clock.advance(1_000);
    expect(image('web')).toBe(`reg.example.io/web:v2@${d('e')}`);
  });

  it('treats a repeated deploy of the same image as the sync already running', async () => {
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    clock.advance(5_000);
    expect(await argo.status('web')).toMatchObject({ phase: 'Succeeded', historyId: 1 });
    expect(app('web').history).toHaveLength(2);
  });

  it('maps a sync refused because another operation runs to operation-in-progress', async () => {
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    clock.advance(5_000);
    await argo.rollback('web');
    const error = await caught(argo.deployImage('web', HELM, ref('v3', d('f'))));
    expect(error).toMatchObject({ code: 'operation-in-progress', status: 400, retryable: true });
    clock.advance(1_000);
    await argo.deployImage('web', HELM, ref('v3', d('f')));
    clock.advance(5_000);
    expect(image('web')).toBe(`reg.example.io/web:v3@${d('f')}`);
  });

  it('terminates a stuck sync before rolling back (retryable while it terminates)', async () => {
    await argo.deployImage('web', HELM, ref('v2', d('a')));
    const error = await caught(argo.rollback('web', 0));
    expect(error.code).toBe('operation-in-progress');
    expect(app('web').operationState?.phase).toBe('Terminating');
    clock.advance(1_000);
    await argo.rollback('web', 0);
    clock.advance(1_000);
    expect(await argo.status('web')).toMatchObject({ phase: 'Succeeded', historyId: 1 });
    expect(image('web')).toBe('reg.example.io/web:v1');
  });

  it('lets auto-sync pick up the patch and refuses rollback of an auto-synced app', async () => {
    const noProject = new ArgoCdGitOps({ baseUrl: `${sandbox.url}/`, token: () => `${TOKEN}\n` });
    await noProject.deployImage(
      'auto',
      { kind: 'helm-parameter', parameter: 'image' },
      ref('v2', d('a'), 'auto'),
    );
    clock.advance(5_000);
    expect(image('auto', 'stg')).toBe(`reg.example.io/auto:v2@${d('a')}`);
    const error = await caught(noProject.rollback('auto'));
    expect(error).toMatchObject({ code: 'auto-sync-enabled', retryable: false });
  });

  it('tells a missing app (with a project) from a permission problem (without one)', async () => {
    expect(await caught(argo.status('nope'))).toMatchObject({ code: 'app-not-found', status: 404 });
    const anonymous = new ArgoCdGitOps({ baseUrl: sandbox.url, token: TOKEN.toString.bind(TOKEN) });
    const denied = await caught(anonymous.status('nope'));
    expect(denied).toMatchObject({ code: 'permission-denied', status: 403 });
    expect(denied.message).toContain('does not exist');
  });

  it('maps a rejected token to token-expired without ever showing a token', async () => {
    let rejected = 0;
    const wrong = new ArgoCdGitOps({
      baseUrl: sandbox.url,
      token: () => 'stale-token-xyz',
      onTokenRejected: () => rejected++,
    });
    const error = await caught(wrong.deployImage('web', HELM, ref('v2', d('a'))));
    expect(error).toMatchObject({ code: 'token-expired', status: 401, retryable: false });
    // The provider is told, so a cached (rotated) token is dropped before the retry.
    expect(rejected).toBe(1);
    await caught(argo.status('nope'));
    expect(rejected).toBe(1);
    for (const text of [error.message, JSON.stringify(error), String(error.stack)]) {
      expect(text).not.toContain('stale-token-xyz');
      expect(text).not.toContain(TOKEN);
    }
  });

  it('refuses bad input before calling Argo CD', async () => {
    expect((await caught(argo.status('Bad_Name'))).code).toBe('invalid-request');
    expect((await caught(argo.status('a/b/c'))).code).toBe('invalid-request');
    expect((await caught(argo.deployImage('web', HELM, ref(undefined, d('a'))))).message).toContain('no tag');
    expect((await caught(argo.deployImage('web', HELM, ref('v2', 'sha256:short')))).code).toBe(
      'invalid-request',
    );
    expect(app('web').spec.source.helm!.parameters![0]!.value).toBe('v1');
    const single = app('web').history.slice(0, 1);
    app('web').history = single;
    app('web').spec.source = structuredClone(single[0]!.source);
    expect((await caught(argo.rollback('web'))).message).toContain('no earlier deployment');
  });
});
