import { describe, expect, it } from 'vitest';
import { createClock, ScaledClock } from '../../../devhost/durable/clock.js';

describe('the scaled clock', () => {
  it('starts at the given time and runs scale times faster than the wall clock', () => {
    const start = Date.UTC(2026, 0, 5, 10);
    const clock = createClock({ mode: 'scaled', scale: 1000, start });
    const before = Date.now();
    const now = clock.now();
    const elapsed = Date.now() - before;
    expect(now).toBeGreaterThanOrEqual(start);
    // At most the real time since creation (plus this call), times the scale.
    expect(now - start).toBeLessThanOrEqual((elapsed + 50) * 1000);
    expect(createClock({ mode: 'scaled', scale: 2 }).now()).toBeGreaterThanOrEqual(before);
  });

  it('fires a timer after (at - now) / scale real milliseconds', async () => {
    const clock = new ScaledClock(1000, Date.UTC(2026, 0, 5, 10));
    const fired = await new Promise<number>((resolve) => {
      const due = clock.now() + 60_000; // a virtual minute: 60 real ms
      clock.schedule(due, () => resolve(clock.now() - due));
    });
    expect(fired).toBeGreaterThanOrEqual(0);
    expect(() => new ScaledClock(0)).toThrow('time scale must be a positive number');
  });
});
