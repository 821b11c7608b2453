import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../devhost/durable/clock.js';
import { startTestHost, type TestHost } from '../../devhost/testing.js';
import { fixtureApp } from './host-test-helpers.js';

const START = Date.UTC(2026, 0, 1);
const WEEK = 7 * 24 * 3600_000;

let host: TestHost;
beforeAll(async () => {
  host = await startTestHost({ appDir: fixtureApp('conformance'), env: {} });
});
afterAll(async () => {
  await host?.close();
});

/** The test host is what every orchestration test stands on: its waits must neither hang nor lie. */
describe('the test host', () => {
  it('listens on a random port, starts at 2026-01-01 on a virtual clock and fetches relative paths', async () => {
    expect(host.port).toBeGreaterThan(0);
    expect(host.clock.now()).toBe(START);
    expect(host.clock.autoAdvance).toBe(false);
    expect(await (await host.request('/api/ping')).json()).toEqual({ pong: true });
  });

  it('runs an orchestration with JSON input to completion', async () => {
    const id = await host.startOrchestration('fanOutFanIn', 3);
    const done = await host.waitForCompletion(id);
    expect(done).toMatchObject({ runtimeStatus: 'Completed', input: '3', output: '12' });
  });

  it('moves time only when told: advance fires due timers, waitFor skips ahead only while it waits', async () => {
    const id = await host.startOrchestration('customStatus');
    await host.waitFor(id, (s) => s.customStatus === '{"step":1}', { advanceTime: false });
    await host.idle();
    expect((await host.engine.getInstance(id))?.customStatus).toBe('{"step":1}');
    await host.advance(1000);
    expect((await host.engine.getInstance(id))?.customStatus).toBe('{"step":2}');
    await host.raiseEvent(id, 'Continue');
    expect(await host.waitFor(id, ['Completed', 'Failed'])).toMatchObject({ output: '"done"' });

    const timer = await host.startOrchestration('longTimer', undefined, 'testing-long-timer');
    expect(timer).toBe('testing-long-timer');
    const before = host.clock.now();
    const state = await host.waitFor(timer, 'Completed');
    expect(JSON.parse(state.output ?? 'null')).toBe(new Date(before + WEEK).toISOString());
    // Restored: after the wait, time stands still again.
    expect(host.clock.autoAdvance).toBe(false);
  });

  it('names the instance and its last status when a wait times out', async () => {
    const id = await host.startOrchestration('waitForever', undefined, 'testing-timeout');
    await expect(host.waitFor(id, 'Completed', { advanceTime: false, timeoutMs: 50 })).rejects.toThrow(
      'timed out waiting for testing-timeout; last status Running',
    );
    await expect(
      host.waitFor('testing-no-such-instance', 'Completed', { advanceTime: false, timeoutMs: 50 }),
    ).rejects.toThrow('last status unknown');
    await host.raiseEvent(id, 'Release', { ok: true });
    expect((await host.waitForCompletion(id)).output).toBe('{"ok":true}');
  });

  it('refuses an event for an instance that does not exist', async () => {
    await expect(host.raiseEvent('testing-missing', 'Release')).rejects.toThrow(
      'raiseEvent Release to testing-missing: not-found',
    );
  });
});

describe('a test host on a shared clock', () => {
  it('uses the clock it is given, and its start time, and may skip ahead on its own', async () => {
    const clock = new VirtualClock(Date.UTC(2030, 5, 1));
    const own = await startTestHost({ appDir: fixtureApp('conformance'), env: {}, clock, autoAdvance: true });
    try {
      expect(own.clock).toBe(clock);
      expect(own.clock.autoAdvance).toBe(true);
      const id = await own.startOrchestration('longTimer');
      // This wait skips no time itself: the host's own auto-advance fires the week-long timer.
      expect(await own.waitFor(id, 'Completed', { advanceTime: false })).toMatchObject({
        output: JSON.stringify(new Date(Date.UTC(2030, 5, 8)).toISOString()),
      });
      expect(own.clock.autoAdvance).toBe(true);
    } finally {
      await own.close();
    }
  });
});
