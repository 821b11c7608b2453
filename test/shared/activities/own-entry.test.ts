import { describe, expect, it } from 'vitest';
import { activityHandlers } from '../../../shared/activities/index.js';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
import { approvalEntry, isSyncedAt } from '../../../shared/domain/timeline-entries.js';
import type { ImageBinding } from '../../../shared/contracts/plan.js';
import type { Ports } from '../../../shared/ports/index.js';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { FakeWorld, worldPorts } from '../../fakes/world.js';

const ID = 'apigateway-0123456789ab';
const AT = '2026-01-05T10:00:00.000Z';
const plan = FileConfigSource.load('config/gantry.example.yaml').plan('ApiGateway');
const IMAGE = { registry: 'r.example.io', repository: 'api', digest: `sha256:${'a'.repeat(64)}` };
const own = (seq: number) => ({ deploymentId: ID, service: 'ApiGateway', seq, at: AT });

function setup() {
  const world = new FakeWorld();
  const store = new MemoryRunStore();
  const config = FileConfigSource.load('config/gantry.example.yaml');
  return { world, store, ports: { ...worldPorts(world), store, config } as unknown as Ports };
}

/** Acting activities that also record their result's timeline entry when given `record`. */
describe('acting activities record their own entry', () => {
  it('runSmoke records smoke:<name> with its verdict and evidence, as the tests phase did', async () => {
    const { world, store, ports } = setup();
    const [health, db] = plan?.staging.smoke ?? [];
    if (!health || !db) throw new Error('the example plan has smoke checks');
    world.failingSmoke.add(db.name);
    await activityHandlers.runSmoke(ports, { check: health, record: own(1) });
    await activityHandlers.runSmoke(ports, { check: db, record: own(2) });
    // Without `record` (an older orchestration's call): nothing is written.
    await activityHandlers.runSmoke(ports, { check: health });
    expect(await store.listEvents(ID)).toEqual([
      {
        deploymentId: ID,
        seq: 1,
        at: AT,
        kind: 'check',
        title: `smoke:${health.name}`,
        verdict: 'pass',
        evidence: { check: health.name, ok: true, status: 200, attempts: 1 },
      },
      {
        deploymentId: ID,
        seq: 2,
        at: AT,
        kind: 'check',
        title: `smoke:${db.name}`,
        verdict: 'fail',
        evidence: { check: db.name, ok: false, status: 503, attempts: db.retries + 1 },
      },
    ]);
  });

  it('a gate is recorded once, by the start or check that returns its verdict, never while pending', async () => {
    const { world, store, ports } = setup();
    const gate = plan?.gates[0];
    if (!gate) throw new Error('the example plan has gates');
    world.gateVerdicts.set(gate.name, 'fail');
    const started = await activityHandlers.startGate(ports, { gate, image: IMAGE, record: own(1) });
    expect(started.done).toBe(false);
    expect(await store.listEvents(ID)).toEqual([]);
    if (started.done) return;
    const checked = await activityHandlers.checkGate(ports, {
      gate,
      image: IMAGE,
      handle: started.handle,
      record: own(2),
    });
    expect(checked.done).toBe(true);
    expect(await store.listEvents(ID)).toEqual([
      {
        deploymentId: ID,
        seq: 2,
        at: AT,
        kind: 'gate',
        title: `gate:${gate.name}`,
        verdict: 'fail',
        comment: '2 critical vulnerabilities',
        evidence: { critical: 2 },
      },
    ]);
  });

  it('recordRelease stores the release without its record input and records release:last-known-good', async () => {
    const { store, ports } = setup();
    const release = {
      service: 'ApiGateway',
      environment: 'production' as const,
      deploymentId: ID,
      image: IMAGE,
      releasedAt: AT,
    };
    await activityHandlers.recordRelease(ports, { ...release, record: own(9) });
    expect(await store.listReleases('ApiGateway', 'production')).toEqual([release]);
    expect(await store.listEvents(ID)).toEqual([
      {
        deploymentId: ID,
        seq: 9,
        at: AT,
        kind: 'decision',
        title: 'release:last-known-good',
        verdict: 'pass',
      },
    ]);
  });

  it('decideApproval records <prefix>:<kind> with the decision as evidence', async () => {
    const { store, ports } = setup();
    const decision = await activityHandlers.decideApproval(ports, {
      service: 'ApiGateway',
      environment: 'production',
      at: AT, // a Monday at 10:00 UTC: a human must approve
      record: { ...own(3), prefix: 'approval' },
    });
    expect(decision.kind).toBe('required');
    expect(await store.listEvents(ID)).toEqual([
      {
        deploymentId: ID,
        seq: 3,
        at: AT,
        kind: 'decision',
        title: 'approval:required',
        evidence: { ...decision },
      },
    ]);
  });
});

describe('syncStatus records synced:<app> on the poll that sees the app synced, once', () => {
  it('nothing while syncing or at another revision, then the entry with the state as evidence', async () => {
    const { world, store, ports } = setup();
    world.syncPolls = 1;
    await world.deployImage('api-staging', {} as ImageBinding, IMAGE);
    const syncing = await activityHandlers.syncStatus(ports, { app: 'api-staging', record: own(1) });
    expect(syncing.phase).toBe('Running');
    // A Git-mode write waits for its own commit: synced at another revision is not done.
    await activityHandlers.syncStatus(ports, {
      app: 'api-staging',
      record: { ...own(2), revision: 'abc123' },
    });
    expect(await store.listEvents(ID)).toEqual([]);
    const state = await activityHandlers.syncStatus(ports, { app: 'api-staging', record: own(3) });
    expect(await store.listEvents(ID)).toEqual([
      {
        deploymentId: ID,
        seq: 3,
        at: AT,
        kind: 'action',
        title: 'synced:api-staging',
        verdict: 'pass',
        evidence: { ...state },
      },
    ]);
  });

  it.each([
    [{ phase: 'Succeeded', sync: 'Synced', health: 'Healthy' }, undefined, true],
    [{ phase: 'Succeeded', sync: 'Synced', health: 'Healthy', revision: 'c1' }, 'c1', true],
    [{ phase: 'Succeeded', sync: 'Synced', health: 'Healthy', revision: 'c0' }, 'c1', false],
    [{ phase: 'Running', sync: 'Synced', health: 'Healthy' }, undefined, false],
    [{ phase: 'Succeeded', sync: 'OutOfSync', health: 'Healthy' }, undefined, false],
    [{ phase: 'Succeeded', sync: 'Synced', health: 'Progressing' }, undefined, false],
  ] as const)('isSyncedAt(%o, %s) is %s', (state, revision, synced) => {
    expect(isSyncedAt(state, revision)).toBe(synced);
  });
});

describe("approvalEntry: a reviewer's decision as the run judged it", () => {
  it.each([
    ['approve', true, undefined, 'approve:accepted', 'pass'],
    ['reject', true, undefined, 'reject:accepted', 'fail'],
    ['approve', false, 'self-approval is forbidden', 'approve:refused', 'warn'],
  ] as const)('%s accepted=%s', (decision, accepted, refusal, title, verdict) => {
    const entry = approvalEntry(
      { approver: 'ada', decision, comment: 'looks good' },
      { accepted, ...(refusal && { refusal }) },
    );
    expect(entry).toEqual({
      kind: 'decision',
      title,
      actor: 'ada',
      comment: 'looks good',
      verdict,
      ...(refusal && { evidence: { refusal } }),
    });
  });
});
