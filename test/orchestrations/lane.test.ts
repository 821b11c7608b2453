import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { laneInstanceId } from '../../shared/contracts/events.js';
import { Orchestrations } from './harness.js';

const image = (): string =>
  `hearloveen.azurecr.io/api-gateway:2.0.0@sha256:${randomBytes(32).toString('hex')}`;

let o: Orchestrations | undefined;
afterEach(async () => {
  await o?.close();
  o = undefined;
});

/**
 * `ensureLane` (functions/durable/control.ts) does not wake a lane whose stored status names a running
 * deployment: it relies on the lane never reading its queue while that status is still what is stored.
 * So whenever `takeNext` runs, the lane's stored custom status must be the generation's `checking`,
 * written at an earlier checkpoint, including the read right after a pipeline ended (the case where a
 * stale `running` would have lost a push's wake).
 */
describe('lane status at every queue read', () => {
  it('is `checking`, never the last run, when takeNext reads the queue', async () => {
    const seen: unknown[] = [];
    const x = await Orchestrations.start({
      onActivity: async (name) => {
        if (name !== 'takeNext') return;
        const lane = await x.h.engine.getInstance(laneInstanceId('ApiGateway'));
        seen.push(lane?.customStatus ? JSON.parse(lane.customStatus) : null);
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

    // The first read started the first run; the second, right after it ended, started the next one.
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const status of seen) expect(status).toMatchObject({ lane: 'ApiGateway', checking: true });
  });
});
