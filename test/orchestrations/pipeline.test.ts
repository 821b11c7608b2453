import { exampleWithoutRings } from '../fixtures/example-config.js';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { laneInstanceId } from '../../shared/contracts/events.js';
import { Orchestrations } from './harness.js';

const digest = (): string => `sha256:${randomBytes(32).toString('hex')}`;
const image = (d = digest()): string => `hearloveen.azurecr.io/api-gateway:2.0.0@${d}`;

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

async function toCanary(x: Orchestrations, id: string): Promise<void> {
  await x.completeTests(id);
  await x.approve(id);
}

describe('pipeline orchestrations (source, in-process engine)', () => {
  it('releases an image and records it as last known good', async () => {
    o = await Orchestrations.start();
    const d = await o.submit(image());
    await toCanary(o, d.id);
    const done = await o.finish(d.id);
    expect(done.state).toBe('Succeeded');
    expect(o.world.weights).toEqual([10, 25, 50, 0]);
    const [release] = await o.ports.store.listReleases('ApiGateway', 'production');
    expect(release?.deploymentId).toBe(d.id);
  });

  it('auto-approves in the 02:00-06:00 UTC window', async () => {
    o = await Orchestrations.start({ startTime: Date.UTC(2026, 0, 6, 3, 0) });
    const d = await o.submit(image());
    await o.completeTests(d.id);
    const done = await o.finish(d.id);
    expect(done.state).toBe('Succeeded');
    const events = await o.ports.store.listEvents(d.id);
    expect(events.map((e) => e.title)).toContain('approval:auto');
    expect(await o.ports.store.listApprovals(d.id)).toEqual([]);
  });

  it('the same image pushed twice is one deployment', async () => {
    o = await Orchestrations.start();
    const img = image();
    const a = await o.submit(img);
    const b = await o.submit(img);
    expect(b.id).toBe(a.id);
    expect(await o.ports.store.listQueue('ApiGateway')).toHaveLength(1);
    const { items } = await o.ports.store.listDeployments({ service: 'ApiGateway' });
    expect(items).toHaveLength(1);
  });

  it('runs the newest of three queued pushes next and supersedes the middle one', async () => {
    o = await Orchestrations.start();
    const first = await o.submit(image());
    await o.waitForPhase(first.id, 'tests', 'test workflows');
    // Pushes a minute apart, while the first run waits for its tests.
    o.h.clock.advance(60_000);
    const second = await o.submit(image());
    o.h.clock.advance(60_000);
    const third = await o.submit(image());
    await o.completeTests(first.id);
    await o.approve(first.id);
    expect((await o.finish(first.id)).state).toBe('Succeeded');
    await o.completeTests(third.id);
    await o.approve(third.id);
    expect((await o.finish(third.id)).state).toBe('Succeeded');
    const middle = await o.ports.store.findDeployment(second.id);
    expect(middle?.state).toBe('Superseded');
    expect(middle?.reason).toBe(`superseded by ${third.id}`);
  });

  it('cancels a queued deployment before its lane picks it', async () => {
    o = await Orchestrations.start();
    const first = await o.submit(image());
    await o.waitForPhase(first.id, 'tests', 'test workflows');
    const second = await o.submit(image());
    const cancelled = await o.interrupt(second.id, 'cancel', 'wrong build');
    expect(cancelled.state).toBe('Cancelled');
    expect(
      (await o.ports.store.listQueue('ApiGateway')).find((q) => q.deploymentId === second.id)?.state,
    ).toBe('removed');
  });
});

describe('cancel and abort at every wait point', () => {
  const cases = [
    {
      name: 'staging sync',
      kind: 'cancel',
      expected: 'Cancelled',
      reach: (x: Orchestrations, id: string) => x.waitForPhase(id, 'staging', 'sync of'),
    },
    {
      name: 'test workflows',
      kind: 'cancel',
      expected: 'Cancelled',
      reach: (x: Orchestrations, id: string) => x.waitForPhase(id, 'tests', 'test workflows'),
    },
    {
      name: 'approval',
      kind: 'cancel',
      expected: 'Cancelled',
      reach: async (x: Orchestrations, id: string) => {
        await x.completeTests(id);
        await x.waitForPhase(id, 'approval', 'approval');
      },
    },
    {
      name: 'approval (abort before traffic)',
      kind: 'abort',
      expected: 'Cancelled',
      reach: async (x: Orchestrations, id: string) => {
        await x.completeTests(id);
        await x.waitForPhase(id, 'approval', 'approval');
      },
    },
    {
      name: 'wait timer',
      kind: 'cancel',
      expected: 'Cancelled',
      reach: async (x: Orchestrations, id: string) => {
        await x.completeTests(id);
        await x.approve(id);
        await x.waitForPhase(id, 'approval', 'wait timer');
      },
    },
    {
      name: 'canary analysis',
      kind: 'abort',
      expected: 'RolledBack',
      reach: async (x: Orchestrations, id: string) => {
        await toCanary(x, id);
        await x.waitForPhase(id, 'canary', 'next analysis');
      },
    },
    {
      name: 'canary analysis (cancel)',
      kind: 'cancel',
      expected: 'Cancelled',
      reach: async (x: Orchestrations, id: string) => {
        await toCanary(x, id);
        await x.waitForPhase(id, 'canary', 'next analysis');
      },
    },
    {
      name: 'verification',
      kind: 'abort',
      expected: 'RolledBack',
      reach: async (x: Orchestrations, id: string) => {
        await toCanary(x, id);
        await x.waitForPhase(id, 'verification', 'verification window');
      },
    },
  ] as const;

  it.each(cases)('$kind during $name ends $expected', async ({ kind, expected, reach }) => {
    o = await Orchestrations.start();
    const d = await o.submit(image());
    await reach(o, d.id);
    await o.interrupt(d.id, kind, 'operator said so');
    const done = await o.finish(d.id);
    expect(done.state).toBe(expected);
    expect(done.reason).toBe(`${kind} by ops: operator said so`);
    if (o.world.weights.length > 0) expect(o.world.weights.at(-1)).toBe(0);
    await expect(o.interrupt(d.id, 'cancel')).rejects.toMatchObject({ status: 409 });
  });

  it('skip-analysis promotes at once and is recorded', async () => {
    o = await Orchestrations.start();
    const d = await o.submit(image());
    await toCanary(o, d.id);
    await o.waitForPhase(d.id, 'canary', 'next analysis');
    await o.interrupt(d.id, 'skipAnalysis', 'hotfix for incident 42');
    const done = await o.finish(d.id);
    expect(done.state).toBe('Succeeded');
    expect(o.world.weights).toEqual([10, 0]);
    const skip = (await o.ports.store.listEvents(d.id)).find((e) => e.title === 'skip-analysis');
    expect(skip).toMatchObject({ actor: 'ops', comment: 'hotfix for incident 42' });
  });
});

describe('freezes', () => {
  it('blocks production at the approval stage during a freeze', async () => {
    const { loadConfig } = await import('../../shared/config/load.js');
    const { FileConfigSource } = await import('../../shared/adapters/config-file.js');
    const text = exampleWithoutRings().replace(
      '  freezes: []',
      [
        '  freezes:',
        '    - name: new-year',
        "      from: '2026-01-01T00:00:00+01:00'",
        "      to: '2026-01-10T00:00:00+01:00'",
        '      reason: New year change freeze',
      ].join('\n'),
    );
    o = await Orchestrations.start({ config: new FileConfigSource(loadConfig(text, 'freeze.yaml')) });
    const d = await o.submit(image());
    await o.completeTests(d.id);
    const done = await o.finish(d.id);
    expect(done.state).toBe('Failed');
    expect(done.reason).toBe('blocked by freeze: freeze "new-year": New year change freeze');
    expect(o.world.weights).toEqual([]);
  });
});

describe('deployment view', () => {
  it('reports the live stage, weight and wait of a running canary', async () => {
    const { describeDeployment } = await import('../../shared/app/status.js');
    o = await Orchestrations.start();
    const d = await o.submit(image());
    await toCanary(o, d.id);
    await o.waitForPhase(d.id, 'canary', 'next analysis');
    const view = await describeDeployment(o.ports, o.control, d.id);
    expect(view.deployment.state).toBe('Canary');
    expect(view.live).toMatchObject({
      running: true,
      stage: 'canary',
      weight: 10,
      failedChecks: 0,
      waitingFor: 'next analysis',
    });
    expect(view.timeline.map((e) => e.seq)).toEqual(
      [...view.timeline.map((e) => e.seq)].sort((a, b) => a - b),
    );
    await expect(describeDeployment(o.ports, o.control, 'apigateway-000000000000')).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('unexpected failures', () => {
  it('takes traffic back when an activity keeps failing after the canary took traffic', async () => {
    o = await Orchestrations.start();
    o.world.failWeights.add(25);
    const d = await o.submit(image());
    await toCanary(o, d.id);
    const done = await o.finish(d.id);
    expect(done.state).toBe('RolledBack');
    expect(done.reason).toContain('refused canary-weight 25');
    expect(o.world.weights).toEqual([10, 0]);
    expect(done.weight).toBe(0);
  });

  it('fails without rollback when the failure happens before any traffic', async () => {
    o = await Orchestrations.start();
    o.world.gateVerdicts.set('signature', 'fail');
    const d = await o.submit(image());
    const done = await o.finish(d.id);
    expect(done.state).toBe('Failed');
    expect(o.world.weights).toEqual([]);
  });
});

describe('queue races', () => {
  it('drops a queued row whose deployment stopped being Queued before the lane took it', async () => {
    o = await Orchestrations.start();
    const first = await o.submit(image());
    await o.waitForPhase(first.id, 'tests', 'test workflows');
    o.h.clock.advance(60_000);
    const second = await o.submit(image());
    // Cancelled between the lane's queue read and its write: the row still says queued.
    await o.ports.store.updateDeployment('ApiGateway', second.id, (d) => ({
      ...d,
      state: 'Cancelled',
      reason: 'race',
    }));
    await o.completeTests(first.id);
    await o.approve(first.id);
    expect((await o.finish(first.id)).state).toBe('Succeeded');
    await o.h.engine.waitForIdle();
    const row = (await o.ports.store.listQueue('ApiGateway')).find((q) => q.deploymentId === second.id);
    expect(row?.state).toBe('removed');
    expect((await o.ports.store.findDeployment(second.id))?.state).toBe('Cancelled');
    expect(await o.h.engine.getInstance(`deploy:${second.id}`)).toBeUndefined();
  });
});

/**
 * `ensureLane` (functions/durable/control.ts) does not wake a lane whose stored status names a running
 * deployment: it relies on the lane never reading its queue while that status is still what is stored.
 * The dev host commits an episode before it runs the activities the episode scheduled, but Azure Storage
 * sends them first; so `checking` must be stored by an episode before the one that schedules `takeNext`:
 * it is already stored when `rollbackInProgress` (scheduled by that earlier episode) runs, including right
 * after a pipeline ended (the case where a stale `running` would have lost a push's wake).
 */
describe('lane status at every queue read', () => {
  it('is `checking` from the episode before takeNext is scheduled, never the last run', async () => {
    const seen: Array<[string, unknown]> = [];
    const x = await Orchestrations.start({
      onActivity: async (name) => {
        if (name !== 'takeNext' && name !== 'rollbackInProgress') return;
        const lane = await x.h.engine.getInstance(laneInstanceId('ApiGateway'));
        seen.push([name, lane?.customStatus ? JSON.parse(lane.customStatus) : null]);
      },
    });
    o = x;
    const first = await x.submit(image());
    await x.waitForPhase(first.id, 'tests', 'test workflows');
    x.h.clock.advance(60_000);
    const second = await x.submit(image());
    await x.completeTests(first.id);
    await x.approve(first.id);
    expect((await x.finish(first.id)).state).toBe('Succeeded');
    await x.waitForPhase(second.id, 'tests', 'test workflows');

    // Each generation: rollbackInProgress, then takeNext. The first started the first run; the second,
    // right after it ended, started the next one.
    const names = seen.map(([name]) => name);
    expect(names.slice(0, 4)).toEqual(['rollbackInProgress', 'takeNext', 'rollbackInProgress', 'takeNext']);
    for (const [, status] of seen) expect(status).toMatchObject({ lane: 'ApiGateway', checking: true });
  });
});
