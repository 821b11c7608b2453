import { describe, expect, it } from 'vitest';
import {
  ArgoCdInputError,
  helmValue,
  imagePatch,
  rollbackTarget,
  runningOperationDeploys,
  toSyncState,
  type Application,
} from '../../../shared/adapters/argocd-model.js';
import type { ImageRef } from '../../../shared/contracts/plan.js';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const IMAGE: ImageRef = {
  registry: 'reg.example.io:5000',
  repository: 'team/web',
  tag: '1.10',
  digest: DIGEST,
};

describe('helmValue', () => {
  it('pins the digest whatever the parameter holds', () => {
    expect(helmValue('image.tag', IMAGE)).toBe(`1.10@${DIGEST}`);
    expect(helmValue('image.digest', IMAGE)).toBe(DIGEST);
    expect(helmValue('image', IMAGE)).toBe(`reg.example.io:5000/team/web:1.10@${DIGEST}`);
    expect(() => helmValue('tag', { ...IMAGE, tag: undefined })).toThrow(ArgoCdInputError);
    expect(helmValue('image.digest', { ...IMAGE, tag: undefined })).toBe(DIGEST);
  });
});

describe('imagePatch', () => {
  it('adds a missing Helm parameter and is undefined when nothing changes', () => {
    const app: Application = { spec: { source: {} } };
    const patch = imagePatch(app, { kind: 'helm-parameter', parameter: 'image.digest' }, IMAGE);
    expect(patch).toEqual({
      spec: {
        source: { helm: { parameters: [{ name: 'image.digest', value: DIGEST, forceString: true }] } },
      },
    });
    const applied = patch as Application;
    expect(imagePatch(applied, { kind: 'helm-parameter', parameter: 'image.digest' }, IMAGE)).toBeUndefined();
  });

  it('matches Kustomize entries written without "=" by image name', () => {
    const app: Application = {
      spec: { source: { kustomize: { images: ['reg.example.io:5000/team/web:old', 'other/x:1'] } } },
    };
    const patch = imagePatch(app, { kind: 'kustomize-image', name: 'reg.example.io:5000/team/web' }, IMAGE);
    expect(patch).toEqual({
      spec: {
        source: {
          kustomize: {
            images: [`reg.example.io:5000/team/web=reg.example.io:5000/team/web@${DIGEST}`, 'other/x:1'],
          },
        },
      },
    });
  });

  it('patches the whole sources array of a multi-source app, and needs a matching source', () => {
    const app: Application = { spec: { sources: [{ repoURL: 'values' }, { repoURL: 'chart', helm: {} }] } };
    const patch = imagePatch(app, { kind: 'helm-parameter', parameter: 'image.tag' }, IMAGE) as {
      spec: { sources: unknown[] };
    };
    expect(patch.spec.sources).toEqual([
      { repoURL: 'values' },
      {
        repoURL: 'chart',
        helm: { parameters: [{ name: 'image.tag', value: `1.10@${DIGEST}`, forceString: true }] },
      },
    ]);
    expect(() => imagePatch(app, { kind: 'kustomize-image', name: 'x' }, IMAGE)).toThrow(ArgoCdInputError);
  });
});

describe('rollbackTarget and runningOperationDeploys', () => {
  it('falls back to the entry before the newest when every entry equals the spec', () => {
    const source = { targetRevision: 'main' };
    const app: Application = {
      spec: { source },
      status: { history: [{ id: 1, source }, { id: 2, source }, { source }] },
    };
    expect(rollbackTarget(app)).toBe(1);
  });

  it('knows a rollback operation syncs its own source, not the spec', () => {
    const binding = { kind: 'helm-parameter', parameter: 'image.tag' } as const;
    const mine = {
      helm: { parameters: [{ name: 'image.tag', value: `1.10@${DIGEST}`, forceString: true }] },
    };
    const other = { helm: { parameters: [{ name: 'image.tag', value: 'old' }] } };
    expect(runningOperationDeploys({ spec: { source: mine } }, binding, IMAGE)).toBe(false);
    expect(runningOperationDeploys({ spec: { source: mine }, operation: { sync: {} } }, binding, IMAGE)).toBe(
      true,
    );
    expect(
      runningOperationDeploys(
        { spec: { source: mine }, operation: { sync: { source: other } } },
        binding,
        IMAGE,
      ),
    ).toBe(false);
  });
});

describe('toSyncState', () => {
  it('reports the live images from status.summary.images, ignoring entries that are not strings', () => {
    const image = 'acr.example/web@sha256:' + 'a'.repeat(64);
    const app = { metadata: {}, status: { summary: { images: [image, 7] } } };
    expect(toSyncState(app).images).toEqual([image]);
    expect(toSyncState({ metadata: {}, status: {} }).images).toBeUndefined();
  });

  it('reports a requested operation as running even while operationState shows the previous one', () => {
    const app: Application = {
      operation: { sync: {} },
      status: {
        sync: { status: 'Synced' },
        health: { status: 'Healthy' },
        operationState: { phase: 'Succeeded' },
      },
    };
    expect(toSyncState(app)).toMatchObject({ phase: 'Running', sync: 'Synced', health: 'Healthy' });
    expect(toSyncState({ ...app, status: { operationState: { phase: 'Terminating' } } }).phase).toBe(
      'Terminating',
    );
  });

  it('is OutOfSync while the synced revision is not the compared one', () => {
    const state = toSyncState({
      status: {
        sync: { status: 'Synced', revision: 'b' },
        operationState: { phase: 'Succeeded', syncResult: { revision: 'a' } },
        history: [{ id: 3 }, { id: 9 }, { id: 4 }],
      },
    });
    expect(state).toEqual({
      phase: 'Succeeded',
      sync: 'OutOfSync',
      health: 'Unknown',
      revision: 'b',
      historyId: 9,
    });
  });

  it('maps unknown values safely and explains Degraded from the resources', () => {
    const state = toSyncState({
      status: {
        sync: { status: 'Weird' },
        health: { status: 'Degraded' },
        operationState: { phase: 'Pending', message: 'op', syncResult: { revision: 'r' } },
        resources: [{ kind: 'Pod', health: { status: 'Degraded', message: 'CrashLoopBackOff' } }],
      },
    });
    expect(state).toEqual({
      phase: 'Running',
      sync: 'Unknown',
      health: 'Degraded',
      revision: 'r',
      message: 'CrashLoopBackOff',
    });
    expect(toSyncState({ status: { operationState: { phase: 'Error', message: 'boom' } } }).message).toBe(
      'boom',
    );
    expect(toSyncState({})).toEqual({ phase: 'None', sync: 'Unknown', health: 'Unknown' });
  });
});
