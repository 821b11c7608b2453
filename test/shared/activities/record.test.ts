import { describe, expect, it } from 'vitest';
import { record, setWeight } from '../../../shared/activities/record.js';
import type { Ports } from '../../../shared/ports/index.js';
import { processRedactor } from '../../../shared/telemetry/registry.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { FakeWorld } from '../../fakes/world.js';

const AT = '2026-01-05T12:00:00.000Z';
const IMAGE = { registry: 'r.example.io', repository: 'api', digest: `sha256:${'b'.repeat(64)}` };

describe('record', () => {
  it('redacts configured secrets and secret-shaped text from reasons, comments and evidence', async () => {
    const secret = 'argocd-token-7f3e9a1c55';
    processRedactor().remember(secret);
    const store = new MemoryRunStore();
    const world = new FakeWorld();
    const ports = { store, notifier: world } as unknown as Ports;
    await store.createDeployment({
      id: 'api-bbbbbbbbbbbb',
      service: 'Api',
      image: IMAGE,
      state: 'Canary',
      source: 'manual',
      createdAt: AT,
      updatedAt: AT,
      weight: 10,
    });
    const leak = `argocd said 401 for ${secret} (Authorization: Bearer abc.def-123456)`;
    await record(ports, {
      deploymentId: 'api-bbbbbbbbbbbb',
      service: 'Api',
      entry: {
        seq: 1,
        at: AT,
        kind: 'transition',
        title: 'Canary->Failed',
        comment: leak,
        evidence: { error: leak, nested: [{ password: 'hunter22' }], digest: IMAGE.digest, weight: 10 },
      },
      transition: { to: 'Failed', reason: leak },
    });
    const [entry] = await store.listEvents('api-bbbbbbbbbbbb');
    const stored = JSON.stringify({ entry, record: await store.findDeployment('api-bbbbbbbbbbbb') });
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain('abc.def-123456');
    expect(stored).not.toContain('hunter22');
    expect(entry?.comment).toBe('argocd said 401 for [redacted] (Authorization: [redacted]');
    expect(entry?.evidence).toMatchObject({
      digest: IMAGE.digest,
      weight: 10,
      nested: [{ password: '[redacted]' }],
    });
    expect(JSON.stringify(world.notifications)).not.toContain(secret);
  });
});

describe('setWeight with its record: the weight change and its timeline entry in one activity', () => {
  const TARGET = { subscriptionId: 's', resourceGroup: 'rg', cluster: 'aks', namespace: 'prod' };
  const ROUTER = { kind: 'nginx' as const, ingress: 'api', canaryIngress: 'api-canary' };
  const setup = async () => {
    const store = new MemoryRunStore();
    const world = new FakeWorld();
    await store.createDeployment({
      id: 'api-cccccccccccc',
      service: 'Api',
      image: IMAGE,
      state: 'Canary',
      source: 'manual',
      createdAt: AT,
      updatedAt: AT,
      weight: 0,
    });
    return { store, world, ports: { store, notifier: world, router: world } as unknown as Ports };
  };
  const own = { deploymentId: 'api-cccccccccccc', service: 'Api', seq: 7, at: AT, comment: 'step 2/3' };

  it('records weight:<reached> as Recorder.weight did and stores the weight on the deployment', async () => {
    const { store, world, ports } = await setup();
    expect(await setWeight(ports, { target: TARGET, router: ROUTER, weight: 25, record: own })).toBe(25);
    expect(world.weights).toEqual([25]);
    expect(await store.listEvents('api-cccccccccccc')).toEqual([
      {
        deploymentId: 'api-cccccccccccc',
        seq: 7,
        at: AT,
        kind: 'action',
        title: 'weight:25',
        comment: 'step 2/3',
        evidence: { weight: 25 },
      },
    ]);
    expect((await store.getDeployment('Api', 'api-cccccccccccc'))?.weight).toBe(25);
    // A retry writes the same seq: still one entry.
    await setWeight(ports, { target: TARGET, router: ROUTER, weight: 25, record: own });
    expect(await store.listEvents('api-cccccccccccc')).toHaveLength(1);
  });

  it('records nothing when the router refuses the weight, and nothing without a record input', async () => {
    const { store, world, ports } = await setup();
    world.failWeights.add(50);
    await expect(
      setWeight(ports, { target: TARGET, router: ROUTER, weight: 50, record: own }),
    ).rejects.toThrow('refused canary-weight 50');
    await setWeight(ports, { target: TARGET, router: ROUTER, weight: 10 });
    expect(await store.listEvents('api-cccccccccccc')).toEqual([]);
  });
});
