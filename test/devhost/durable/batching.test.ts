import * as df from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { harness, type Orchestration } from './engine-harness.js';
import type { HistoryEvent } from '../../../devhost/durable/types.js';
import { EventTypeName } from '../../../devhost/durable/types.js';

/**
 * Batching several completions into one episode is only safe if every task gets the same number the SDK
 * gives it. These orchestrations mix fan-out, retries inside Task.all, timers racing activities, nested
 * sub-orchestrations and events; each must produce the same output and the same scheduling events (name,
 * id, input) with and without batching.
 */
function* mixed(ctx: df.OrchestrationContext): Orchestration {
  const retry = new df.RetryOptions(1000, 3);
  const first = (yield ctx.df.Task.all([
    ctx.df.callActivityWithRetry('failOnce', retry, 'A'),
    ctx.df.callActivity('echo', 'B'),
    ctx.df.callActivity('echo', 'C'),
  ])) as unknown[];
  const race = yield ctx.df.Task.any([
    ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 1000)),
    ctx.df.callActivity('echo', 'D'),
  ]);
  const wide = [];
  for (let i = 0; i < 30; i++) {
    wide.push(
      i % 7 === 0 ? ctx.df.callActivityWithRetry('failOnce', retry, `w${i}`) : ctx.df.callActivity('echo', i),
    );
  }
  const fanned = (yield ctx.df.Task.all(wide)) as unknown[];
  const subs = (yield ctx.df.Task.all([
    ctx.df.callSubOrchestrator('child', 1),
    ctx.df.callSubOrchestrator('child', 2),
  ])) as unknown[];
  const approved = yield ctx.df.Task.any([
    ctx.df.waitForExternalEvent('never'),
    ctx.df.createTimer(new Date(ctx.df.currentUtcDateTime.getTime() + 5000)),
  ]);
  return {
    first,
    race: (race as { result?: unknown }).result ?? null,
    fanned,
    subs,
    approved: approved !== null,
    guid: ctx.df.newGuid('x'),
  };
}

function* child(ctx: df.OrchestrationContext): Orchestration {
  const n = ctx.df.getInput() as number;
  const parts = (yield ctx.df.Task.all([
    ctx.df.callActivity('echo', n),
    ctx.df.callActivity('echo', n * 10),
  ])) as number[];
  return parts.reduce((a, b) => a + b, 0);
}

const scheduling = (h: HistoryEvent[]): string[] =>
  h
    .filter((e) => e.EventId >= 0)
    .map((e) => `${EventTypeName[e.EventType]}#${e.EventId}:${e.Name ?? ''}:${e.Input ?? ''}`)
    .sort();

async function runMixed(
  batching: boolean,
): Promise<{ output: unknown; scheduled: string[]; episodes: number }> {
  const seen = new Set<string>();
  const h = await harness(
    (i) =>
      i
        .activity('echo', (x: unknown) => x)
        .activity('failOnce', (x: string) => {
          if (!seen.has(x)) {
            seen.add(x);
            throw new Error(`first attempt of ${x}`);
          }
          return `ok:${x}`;
        })
        .orchestrator('mixed', mixed)
        .orchestrator('child', child),
    { batching },
  );
  try {
    const s = await h.run('mixed', undefined, 'mixed-1');
    expect(s.runtimeStatus).toBe('Completed');
    const history = await h.engine.getHistory('mixed-1');
    return {
      output: JSON.parse(s.output ?? 'null'),
      scheduled: scheduling(history),
      episodes: history.filter((e) => e.EventType === 12).length,
    };
  } finally {
    await h.close();
  }
}

describe('episode batching', () => {
  it('numbers tasks exactly as one-completion-per-episode does', async () => {
    const single = await runMixed(false);
    const batched = await runMixed(true);
    expect(batched.output).toEqual(single.output);
    expect(batched.scheduled).toEqual(single.scheduled);
    expect(single.output).toMatchObject({
      first: ['ok:A', 'B', 'C'],
      race: 'D',
      subs: [11, 22],
      approved: true,
    });
    // Batching is only worth it if it actually merges episodes.
    expect(batched.episodes).toBeLessThan(single.episodes);
  });
});

describe('batched external events', () => {
  function* counter(ctx: df.OrchestrationContext): Orchestration {
    let total = (ctx.df.getInput() as number) ?? 0;
    for (let i = 0; i < 5; i++) total += (yield ctx.df.waitForExternalEvent('inc')) as number;
    if (total >= 40) return total;
    ctx.df.continueAsNew(total);
    return undefined;
  }

  it.each([true, false])('loses no event across continue-as-new (batching %s)', async (batching) => {
    const h = await harness((i) => i.orchestrator('counter', counter), { batching, autoAdvance: false });
    try {
      const { instanceId } = await h.engine.start({ name: 'counter', input: '0' });
      // Twenty events queued at once: batches span the continue-as-new boundaries.
      for (let n = 0; n < 20; n++) await h.engine.raiseEvent(instanceId, 'inc', '2');
      const s = await h.waitFor(instanceId, (x) => x.runtimeStatus === 'Completed');
      expect(JSON.parse(s.output ?? '0')).toBe(40);
    } finally {
      await h.close();
    }
  });
});
