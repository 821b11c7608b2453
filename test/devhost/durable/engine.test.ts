import * as df from 'durable-functions';
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness, type Orchestration } from './engine-harness.js';
import { EventType } from '../../../devhost/durable/types.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('DurableEngine', () => {
  it('runs a sequence of activities and records one completion per task', async () => {
    h = await harness((i) =>
      i
        .activity('hello', (name: string) => `Hello, ${name}!`)
        .orchestrator('seq', function* (ctx) {
          const out: unknown[] = [];
          for (const n of ['Tokyo', 'Seattle', 'London']) out.push(yield ctx.df.callActivity('hello', n));
          return out;
        }),
    );
    const s = await h.run('seq');
    expect(s.runtimeStatus).toBe('Completed');
    expect(JSON.parse(s.output ?? 'null')).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
    const history = await h.engine.getHistory(s.instanceId);
    expect(
      history.filter((e) => e.EventType === EventType.TaskCompleted).map((e) => e.TaskScheduledId),
    ).toEqual([0, 1, 2]);
  });

  it('fans out and in', async () => {
    h = await harness((i) =>
      i
        .activity('double', (n: number) => n * 2)
        .orchestrator('fan', function* (ctx) {
          const tasks = [];
          for (let n = 0; n < 100; n++) tasks.push(ctx.df.callActivity('double', n));
          const results = (yield ctx.df.Task.all(tasks)) as number[];
          return results.reduce((a, b) => a + b, 0);
        }),
    );
    const s = await h.run('fan');
    expect(s.runtimeStatus).toBe('Completed');
    expect(JSON.parse(s.output ?? '0')).toBe(9900);
  });

  it('retries with backoff until success', async () => {
    let attempts = 0;
    h = await harness((i) =>
      i
        .activity('flaky', () => {
          attempts++;
          if (attempts < 3) throw new Error(`boom ${attempts}`);
          return 'ok';
        })
        .orchestrator('retry', function* (ctx) {
          const opts = new df.RetryOptions(1000, 4);
          opts.backoffCoefficient = 2;
          return yield ctx.df.callActivityWithRetry('flaky', opts, 'x');
        }),
    );
    const s = await h.run('retry');
    expect(s.runtimeStatus).toBe('Completed');
    expect(JSON.parse(s.output ?? '')).toBe('ok');
    const history = await h.engine.getHistory(s.instanceId);
    const timers = history.filter((e) => e.EventType === EventType.TimerCreated);
    const delays = timers.map((t) => Date.parse(t.FireAt ?? '') - Date.parse(t.Timestamp));
    expect(delays).toEqual([1000, 2000]);
  });

  it('fails after the last retry with the last error', async () => {
    h = await harness((i) =>
      i
        .activity('boom', () => {
          throw new Error('kaboom');
        })
        .orchestrator('retry', function* (ctx) {
          return yield ctx.df.callActivityWithRetry('boom', new df.RetryOptions(500, 3), 'x');
        }),
    );
    const s = await h.run('retry');
    expect(s.runtimeStatus).toBe('Failed');
    expect(s.failureDetails?.ErrorMessage).toContain('kaboom');
    expect(h.invoker.calls.filter((c) => c.name === 'boom')).toHaveLength(3);
  });
});

describe('DurableEngine timers, events and control', () => {
  const approval = function* (ctx: df.OrchestrationContext): Orchestration {
    ctx.df.setCustomStatus({ stage: 'waiting' });
    const deadline = new Date(ctx.df.currentUtcDateTime.getTime() + 3600_000);
    const timer = ctx.df.createTimer(deadline);
    const event = ctx.df.waitForExternalEvent('approve');
    const winner = yield ctx.df.Task.any([event, timer]);
    if (winner === event) {
      timer.cancel();
      ctx.df.setCustomStatus({ stage: 'done' });
      return { approved: event.result };
    }
    return { approved: false, timedOut: true };
  };

  it('lets an external event win the race and cancels the timer', async () => {
    h = await harness((i) => i.orchestrator('approval', approval), { autoAdvance: false });
    const { instanceId } = await h.engine.start({ name: 'approval' });
    await h.waitFor(instanceId, (s) => s.customStatus !== null);
    expect(await h.engine.raiseEvent(instanceId, 'approve', '"yes"')).toBe('accepted');
    const s = await h.waitFor(instanceId, (x) => x.runtimeStatus === 'Completed');
    expect(JSON.parse(s.output ?? '')).toEqual({ approved: 'yes' });
    expect(JSON.parse(s.customStatus ?? '')).toEqual({ stage: 'done' });
    expect(h.clock.nextDue()).toBeUndefined();
    expect(await h.engine.raiseEvent(instanceId, 'approve', 'true')).toBe('gone');
  });

  it('lets the timer win when time passes', async () => {
    h = await harness((i) => i.orchestrator('approval', approval));
    const s = await h.run('approval');
    expect(JSON.parse(s.output ?? '')).toEqual({ approved: false, timedOut: true });
    expect(Date.parse(s.lastUpdatedTime) - Date.parse(s.createdTime)).toBe(3600_000);
  });

  it('completes a 7-day timer in well under a second of wall time', async () => {
    h = await harness((i) =>
      i.orchestrator('week', function* (ctx) {
        yield ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 7 * 86400_000));
        return ctx.df.currentUtcDateTime.toISOString();
      }),
    );
    const wall = Date.now();
    const s = await h.run('week');
    expect(Date.now() - wall).toBeLessThan(1000);
    expect(JSON.parse(s.output ?? '')).toBe('2026-01-08T00:00:00.000Z');
  });

  it('buffers an event raised before the orchestrator waits for it', async () => {
    h = await harness(
      (i) =>
        i
          .activity('slow', () => 1)
          .orchestrator('late', function* (ctx) {
            yield ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 60_000));
            const value = yield ctx.df.waitForExternalEvent('go');
            return value;
          }),
      { autoAdvance: false },
    );
    const { instanceId } = await h.engine.start({ name: 'late' });
    await h.waitFor(instanceId, (s) => s.runtimeStatus === 'Running');
    await h.engine.raiseEvent(instanceId, 'go', '{"early":true}');
    h.clock.autoAdvance = true;
    const s = await h.waitFor(instanceId, (x) => x.runtimeStatus === 'Completed');
    expect(JSON.parse(s.output ?? '')).toEqual({ early: true });
  });

  it('propagates a sub-orchestration failure to the parent as a TaskFailedError', async () => {
    h = await harness((i) =>
      i
        .activity('boom', () => {
          throw new Error('child broke');
        })
        .orchestrator('child', function* (ctx) {
          yield ctx.df.callActivity('boom');
        })
        .orchestrator('parent', function* (ctx) {
          try {
            yield ctx.df.callSubOrchestrator('child', undefined, 'child-1');
            return 'no error';
          } catch (e) {
            return { caught: (e as Error).message, isTaskFailed: e instanceof df.TaskFailedError };
          }
        }),
    );
    const s = await h.run('parent');
    expect(s.runtimeStatus).toBe('Completed');
    const out = JSON.parse(s.output ?? '');
    expect(out.isTaskFailed).toBe(true);
    expect(out.caught).toContain('child broke');
    expect((await h.engine.getInstance('child-1'))?.runtimeStatus).toBe('Failed');
  });

  it('loops with continueAsNew and keeps only the current execution', async () => {
    h = await harness((i) =>
      i.orchestrator('counter', function* (ctx) {
        const n = (ctx.df.getInput() as number) ?? 0;
        if (n >= 5) return n;
        yield ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 1000));
        ctx.df.continueAsNew(n + 1);
        return undefined;
      }),
    );
    const s = await h.run('counter', 0);
    expect(s.runtimeStatus).toBe('Completed');
    expect(JSON.parse(s.output ?? '')).toBe(5);
    const history = await h.engine.getHistory(s.instanceId);
    expect(history.filter((e) => e.EventType === EventType.ExecutionStarted)).toHaveLength(1);
  });

  it('terminates, and suspends then resumes', async () => {
    h = await harness((i) => i.orchestrator('approval', approval), { autoAdvance: false });
    const a = await h.engine.start({ name: 'approval' });
    await h.waitFor(a.instanceId, (s) => s.runtimeStatus === 'Running');
    expect(await h.engine.terminate(a.instanceId, 'stop it')).toBe('accepted');
    const t = await h.waitFor(a.instanceId, (s) => s.runtimeStatus === 'Terminated');
    expect(JSON.parse(t.output ?? '')).toBe('stop it');
    expect(await h.engine.terminate(a.instanceId, 'again')).toBe('gone');
    expect(await h.engine.terminate('nope', 'x')).toBe('not-found');

    const b = await h.engine.start({ name: 'approval' });
    await h.waitFor(b.instanceId, (s) => s.runtimeStatus === 'Running');
    await h.engine.suspend(b.instanceId, 'hold');
    await h.waitFor(b.instanceId, (s) => s.runtimeStatus === 'Suspended');
    await h.engine.raiseEvent(b.instanceId, 'approve', 'true');
    await h.engine.waitForIdle();
    expect((await h.engine.getInstance(b.instanceId))?.runtimeStatus).toBe('Suspended');
    await h.engine.resume(b.instanceId, 'go');
    const done = await h.waitFor(b.instanceId, (s) => s.runtimeStatus === 'Completed');
    expect(JSON.parse(done.output ?? '')).toEqual({ approved: true });
  });
});

describe('DurableEngine concurrency limits', () => {
  it('never runs more activities at once than maxConcurrentActivityFunctions', async () => {
    const { DurableEngine } = await import('../../../devhost/durable/durable-engine.js');
    const { MemoryStore } = await import('../../../devhost/durable/memory-store.js');
    const { VirtualClock } = await import('../../../devhost/durable/clock.js');
    const { TestInvoker } = await import('./engine-harness.js');
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const invoker = new TestInvoker()
      .activity('slow', async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => release.push(resolve));
        running--;
        return 1;
      })
      .orchestrator('wide', function* (ctx) {
        const results = (yield ctx.df.Task.all(
          Array.from({ length: 9 }, () => ctx.df.callActivity('slow')),
        )) as number[];
        return results.length;
      });
    const engine = new DurableEngine({
      store: new MemoryStore(),
      clock: new VirtualClock(),
      invoker,
      taskHubName: 'Limits',
      maxConcurrentActivityFunctions: 3,
    });
    await engine.open();
    try {
      const { instanceId } = await engine.start({ name: 'wide' });
      // Let everything that can start, start; then release one at a time.
      for (let released = 0; released < 9; released++) {
        while (release.length === 0) await new Promise((resolve) => setImmediate(resolve));
        expect(running).toBeLessThanOrEqual(3);
        release.shift()?.();
      }
      await engine.waitForIdle();
      expect((await engine.getInstance(instanceId))?.output).toBe('9');
      expect(peak).toBe(3);
    } finally {
      await engine.stop();
    }
  });
});

describe('DurableEngine store failures', () => {
  it('retries storing an activity result instead of dropping it', async () => {
    const { MemoryStore } = await import('../../../devhost/durable/memory-store.js');
    const store = new MemoryStore();
    let failures = 2;
    const enqueue = store.enqueue.bind(store);
    store.enqueue = async (message) => {
      if (message.event.EventType === EventType.TaskCompleted && failures > 0) {
        failures--;
        throw new Error('storage briefly unavailable');
      }
      return enqueue(message);
    };
    h = await harness(
      (i) =>
        i
          .activity('one', () => 1)
          .orchestrator('single', function* (ctx) {
            return yield ctx.df.callActivity('one');
          }),
      { store },
    );
    const s = await h.run('single');
    expect(s.runtimeStatus).toBe('Completed');
    expect(failures).toBe(0);
    const completions = (await h.engine.getHistory(s.instanceId)).filter(
      (e) => e.EventType === EventType.TaskCompleted,
    );
    expect(completions).toHaveLength(1);
  });
});
