import { describe, expect, it } from 'vitest';
import { activityHandlers } from '../../../shared/activities/index.js';
import { FileConfigSource } from '../../../shared/adapters/config-file.js';
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
  return { world, store, ports: { ...worldPorts(world), store } as unknown as Ports };
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
});
