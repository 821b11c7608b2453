import { describe, expect, it } from 'vitest';
import type {
  BindingMetadata,
  FunctionInvoker,
  InvokeResult,
  RegisteredFunction,
} from '../../../devhost/functions/types.js';
import { startTimers, timerTriggerValue, type TimerTriggerValue } from '../../../devhost/triggers/timer.js';
import { deferred, ManualClock, memoryLogger } from '../host-test-helpers.js';

function timerFunction(name: string, trigger: Partial<BindingMetadata>): RegisteredFunction {
  const binding: BindingMetadata = { type: 'timerTrigger', direction: 'in', ...trigger };
  return {
    name,
    metadata: { name, bindings: { t: binding } },
    callback: () => undefined,
    triggerName: 't',
    trigger: binding,
  };
}

interface Call {
  name: string;
  value: TimerTriggerValue;
  finish: (error?: Error) => void;
}

/** An invoker whose invocations stay open until the test finishes them. */
function fakeInvoker(functions: RegisteredFunction[]): FunctionInvoker & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    get: (name) => functions.find((f) => f.name === name),
    list: () => functions,
    provideInput: () => undefined,
    invoke: (name, value) => {
      const done = deferred<Error | undefined>();
      calls.push({ name, value: value as TimerTriggerValue, finish: (error) => done.resolve(error) });
      return done.promise.then((error): InvokeResult => {
        if (error) throw error;
        return { result: undefined, extraOutputs: {} };
      });
    },
  };
}

const T0 = '2025-01-01T00:00:00.000Z';
const at = (iso: string) => Date.parse(iso);

describe('startTimers', () => {
  it('fires each occurrence on the clock with the TimerInfo and schedule status', async () => {
    const clock = new ManualClock(T0);
    const invoker = fakeInvoker([timerFunction('tick', { schedule: '0 */5 * * * *' })]);
    const timers = startTimers({ invoker, clock });
    expect(clock.pending()).toEqual([at('2025-01-01T00:05:00Z')]);
    expect(timers.timers()).toEqual([
      { name: 'tick', schedule: '0 */5 * * * *', next: new Date('2025-01-01T00:05:00Z') },
    ]);
    expect(invoker.calls).toEqual([]);

    clock.advanceTo('2025-01-01T00:05:00Z');
    expect(invoker.calls[0]?.value).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: { last: '0001-01-01T00:00:00.000Z', next: '2025-01-01T00:05:00.000Z', lastUpdated: T0 },
      isPastDue: false,
    });
    const rearmed = clock.nextSchedule();
    invoker.calls[0]?.finish();
    expect(await rearmed).toBe(at('2025-01-01T00:10:00Z'));

    clock.advanceTo('2025-01-01T00:10:00Z');
    expect(invoker.calls[1]?.value.scheduleStatus).toEqual({
      last: '2025-01-01T00:05:00.000Z',
      next: '2025-01-01T00:10:00.000Z',
      lastUpdated: '2025-01-01T00:05:00.000Z',
    });
    invoker.calls[1]?.finish();
    await timers.stop();
  });

  it('runs once at start with runOnStartup, then follows the schedule', async () => {
    const clock = new ManualClock(T0);
    const invoker = fakeInvoker([timerFunction('boot', { schedule: '0 0 * * * *', runOnStartup: true })]);
    const rearmed = clock.nextSchedule();
    const timers = startTimers({ invoker, clock });
    expect(invoker.calls.map((c) => c.value.isPastDue)).toEqual([false]);
    expect(clock.pending()).toEqual([]);
    invoker.calls[0]?.finish();
    expect(await rearmed).toBe(at('2025-01-01T01:00:00Z'));
    await timers.stop();
  });

  it('never overlaps runs of one function and skips occurrences missed meanwhile', async () => {
    const clock = new ManualClock(T0);
    const invoker = fakeInvoker([timerFunction('slow', { schedule: '0 */5 * * * *' })]);
    const timers = startTimers({ invoker, clock });
    clock.advanceTo('2025-01-01T00:05:00Z');
    clock.advanceTo('2025-01-01T00:22:00Z');
    expect(invoker.calls).toHaveLength(1);
    expect(clock.pending()).toEqual([]);
    expect(timers.timers()[0]?.next).toBeUndefined();
    const rearmed = clock.nextSchedule();
    invoker.calls[0]?.finish();
    expect(await rearmed).toBe(at('2025-01-01T00:25:00Z'));
    await timers.stop();
  });

  it('flags a run as past due when the clock is already past the following occurrence', async () => {
    const clock = new ManualClock(T0);
    const invoker = fakeInvoker([timerFunction('late', { schedule: '0 */5 * * * *', useMonitor: false })]);
    const timers = startTimers({ invoker, clock });
    clock.jumpTo('2025-01-01T00:11:00Z');
    expect(invoker.calls[0]?.value).toEqual(timerTriggerValue(null, true));
    invoker.calls[0]?.finish();
    await timers.stop();
  });

  it('logs a failed run and keeps the timer going', async () => {
    const clock = new ManualClock(T0);
    const logger = memoryLogger();
    const invoker = fakeInvoker([timerFunction('flaky', { schedule: '*/10 * * * * *' })]);
    const timers = startTimers({ invoker, clock, logger });
    clock.advanceTo('2025-01-01T00:00:10Z');
    const rearmed = clock.nextSchedule();
    invoker.calls[0]?.finish(new Error('tick failed'));
    expect(await rearmed).toBe(at('2025-01-01T00:00:20Z'));
    expect(logger.lines[0]).toMatchObject({
      level: 'error',
      text: expect.stringContaining('Timer function flaky failed: Error: tick failed'),
    });
    await timers.stop();
  });

  it('stop() cancels pending occurrences and waits for a run in progress', async () => {
    const clock = new ManualClock(T0);
    const invoker = fakeInvoker([
      timerFunction('a', { schedule: '0 */5 * * * *' }),
      timerFunction('b', { schedule: '0 */7 * * * *' }),
    ]);
    const timers = startTimers({ invoker, clock });
    clock.advanceTo('2025-01-01T00:05:00Z');
    let stopped = false;
    const stopping = timers.stop().then(() => (stopped = true));
    expect(clock.pending()).toEqual([]);
    await Promise.resolve();
    expect(stopped).toBe(false);
    invoker.calls[0]?.finish();
    await stopping;
    expect(clock.pending()).toEqual([]);
    clock.advanceTo('2025-01-02T00:00:00Z');
    expect(invoker.calls).toHaveLength(1);
  });

  it('resolves %SETTING% schedules and refuses bad ones before arming anything', () => {
    const clock = new ManualClock(T0);
    const good = timerFunction('good', { schedule: '%EVERY_HOUR%' });
    startTimers({ invoker: fakeInvoker([good]), clock, env: { EVERY_HOUR: '0 0 * * * *' } });
    expect(clock.pending()).toEqual([at('2025-01-01T01:00:00Z')]);

    const other = new ManualClock(T0);
    const bad = timerFunction('bad', { schedule: '0 0 25 * * *' });
    expect(() =>
      startTimers({ invoker: fakeInvoker([good, bad]), clock: other, env: { EVERY_HOUR: '0 0 * * * *' } }),
    ).toThrow(/Timer function "bad" has a bad schedule: .*hour field "25" is out of range/);
    expect(other.pending()).toEqual([]);
    expect(() => startTimers({ invoker: fakeInvoker([timerFunction('none', {})]), clock: other })).toThrow(
      'Timer function "none" has a bad schedule: the trigger has no "schedule"',
    );
  });
});
