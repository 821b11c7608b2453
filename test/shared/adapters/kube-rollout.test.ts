import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import {
  crashLoops,
  newestReplicaSet,
  podsOfTemplate,
  rolloutVerdict,
  selectorString,
} from '../../../shared/adapters/kube-rollout.js';

function deployment(
  status: V1Deployment['status'],
  spec: Partial<NonNullable<V1Deployment['spec']>> = {},
): V1Deployment {
  return {
    metadata: { name: 'web', generation: 2, uid: 'u1' },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } },
      ...spec,
    },
    status: { observedGeneration: 2, ...status },
  };
}

describe('rolloutVerdict (kubectl rollout status)', () => {
  const cases: Array<[string, V1Deployment, string, string]> = [
    ['paused', deployment({}, { paused: true }), 'progressing', 'deployment "web" is paused'],
    [
      'spec not observed',
      deployment({ observedGeneration: 1 }),
      'progressing',
      'Waiting for deployment spec update to be observed',
    ],
    [
      'deadline exceeded',
      deployment({
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      }),
      'failed',
      'deployment "web" exceeded its progress deadline',
    ],
    [
      'updating',
      deployment({ updatedReplicas: 1, replicas: 4 }),
      'progressing',
      'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated',
    ],
    [
      'old pods terminating',
      deployment({ updatedReplicas: 3, replicas: 5 }),
      'progressing',
      'Waiting for deployment "web" rollout to finish: 2 old replicas are pending termination',
    ],
    [
      'not yet available',
      deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 2 }),
      'progressing',
      'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available',
    ],
    [
      'complete',
      deployment({ updatedReplicas: 3, replicas: 3, availableReplicas: 3 }),
      'complete',
      'deployment "web" successfully rolled out',
    ],
  ];
  it.each(cases)('%s', (_name, d, phase, message) => {
    expect(rolloutVerdict(d)).toEqual({ phase, message });
  });
});

describe('pods of the new ReplicaSet', () => {
  it('renders equality and set-based selectors', () => {
    expect(
      selectorString({
        matchLabels: { app: 'web', tier: 'api' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['a', 'b'] },
          { key: 'x', operator: 'NotIn', values: ['c'] },
          { key: 'y', operator: 'Exists' },
          { key: 'z', operator: 'DoesNotExist' },
        ],
      }),
    ).toBe('app=web,tier=api,env in (a,b),x notin (c),y,!z');
    expect(selectorString(undefined)).toBe('');
  });

  it('picks the owned ReplicaSet with the highest revision', () => {
    const rs = (name: string, revision: string, uid: string) => ({
      metadata: {
        name,
        annotations: { 'deployment.kubernetes.io/revision': revision },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid, controller: true }],
      },
    });
    const sets = [rs('web-old', '3', 'u1'), rs('web-new', '4', 'u1'), rs('other', '9', 'u2')];
    expect(newestReplicaSet(deployment({}), sets)?.metadata?.name).toBe('web-new');
    expect(newestReplicaSet(deployment({}), [rs('other', '9', 'u2')])).toBeUndefined();
  });

  it('lists containers stuck in a waiting reason, init containers included', () => {
    const pod: V1Pod = {
      metadata: { name: 'web-abc' },
      status: {
        initContainerStatuses: [
          {
            name: 'migrate',
            image: 'm',
            imageID: '',
            ready: false,
            restartCount: 2,
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
        ],
        containerStatuses: [
          {
            name: 'web',
            image: 'w',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
          {
            name: 'envoy',
            image: 'e',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      },
    };
    expect(crashLoops([pod])).toEqual(['web-abc/migrate: CrashLoopBackOff', 'web-abc/web: ImagePullBackOff']);
  });

  it('without ReplicaSets, judges only pods running the current images', () => {
    const pod = (name: string, image: string): V1Pod => ({
      metadata: { name },
      spec: { containers: [{ name: 'web', image }] },
    });
    const pods = [pod('new', 'web:2'), pod('old', 'web:1')];
    expect(podsOfTemplate(deployment({}), pods).map((p) => p.metadata?.name)).toEqual(['new']);
  });
});
