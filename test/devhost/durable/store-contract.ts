/**
 * The behaviour every TaskHubStore must have, run against each implementation (memory-store.test.ts,
 * table-store.test.ts). Instance, history, inbox and commit semantics live here; listing, recovery
 * scans, purge and awkward ids in store-contract-query.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventType, type TaskHubStore } from '../../../devhost/durable/types.js';
import { storeQueryContract } from './store-contract-query.js';
import {
  episode,
  event,
  instance,
  message,
  messageId,
  type MakeStore,
  type StoreFixture,
} from './store-fixtures.js';

export function storeContract(name: string, makeStore: MakeStore): void {
  describe(`${name}: TaskHubStore contract`, () => {
    let fixture: StoreFixture;
    let store: TaskHubStore;
    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      await store.init();
    });
    afterEach(async () => {
      await store.close();
      await fixture.cleanup();
    });

    it('stores and replaces instance records field for field', async () => {
      expect(await store.getInstance('nobody')).toBeUndefined();
      const full = instance('i1', {
        version: '2',
        input: JSON.stringify({ big: 'x'.repeat(70_000), unicode: 'Grüße 😀' }),
        output: '"done"',
        customStatus: '{"stage":"canary"}',
        runtimeStatus: 'Failed',
        failureDetails: {
          ErrorType: 'Error',
          ErrorMessage: 'boom',
          StackTrace: 'at x',
          IsNonRetriable: false,
        },
        parent: { instanceId: 'p1', executionId: 'pe', name: 'parent', taskScheduledId: 3 },
        parentNotified: false,
        bookkeeping: {
          seenActions: 3,
          nextSequence: 4,
          timerByAction: { '2': 1 },
          canceledTimers: [1],
          retries: {
            '0': {
              kind: 'activity',
              name: 'probe',
              input: '"x"',
              options: { firstRetryIntervalInMilliseconds: 1000, maxNumberOfAttempts: 3 },
              attempt: 2,
            },
          },
        },
      });
      await store.putInstance(full);
      expect(await store.getInstance('i1')).toEqual(full);
      // Replace, not merge: fields missing from the new record are gone.
      const plain = instance('i1');
      await store.putInstance(plain);
      expect(await store.getInstance('i1')).toEqual(plain);
    });

    it('keeps history order across commits and consumes the inbox', async () => {
      await store.putInstance(instance('h1'));
      const all = [];
      for (let n = 0; n < 5; n++) {
        await store.enqueue(message('h1', messageId(n)));
        const events = [...episode(`step-${n}`, n), event(EventType.TaskCompleted, { TaskScheduledId: n })];
        all.push(...events);
        await store.commitEpisode({
          instance: instance('h1', { lastUpdatedTime: `2025-01-01T00:00:0${n}.000Z` }),
          appendEvents: events,
          consumedMessageIds: [messageId(n)],
        });
      }
      expect(await store.getHistory('h1', 'exec-1')).toEqual(all);
      expect(await store.getInbox('h1')).toEqual([]);
      expect((await store.getInstance('h1'))?.lastUpdatedTime).toBe('2025-01-01T00:00:04.000Z');
      expect(await store.getHistory('h1', 'other-exec')).toEqual([]);
    });

    it('stores what was committed, not later changes to the caller objects', async () => {
      const events = episode('a');
      await store.commitEpisode({ instance: instance('c1'), appendEvents: events, consumedMessageIds: [] });
      for (const e of events) e.IsPlayed = true;
      expect((await store.getHistory('c1', 'exec-1')).map((e) => e.IsPlayed)).toEqual([false, false, false]);
      const read = await store.getHistory('c1', 'exec-1');
      read.pop();
      expect(await store.getHistory('c1', 'exec-1')).toHaveLength(3);
    });

    it('starts a fresh history on newExecution while the instance keeps its id', async () => {
      await store.commitEpisode({
        instance: instance('n1'),
        appendEvents: episode('old'),
        consumedMessageIds: [],
      });
      const second = instance('n1', { executionId: 'exec-2', input: '"again"' });
      await store.commitEpisode({
        instance: second,
        appendEvents: [event(EventType.ExecutionStarted, { Input: '"again"' })],
        newExecution: true,
        consumedMessageIds: [],
      });
      await store.commitEpisode({ instance: second, appendEvents: episode('new'), consumedMessageIds: [] });
      const history = await store.getHistory('n1', 'exec-2');
      expect(history.map((e) => e.EventType)).toEqual([
        EventType.ExecutionStarted,
        EventType.OrchestratorStarted,
        EventType.TaskScheduled,
        EventType.OrchestratorCompleted,
      ]);
      expect(await store.getHistory('n1', 'exec-1')).toEqual(episode('old'));
      expect(await store.getInstance('n1')).toEqual(second);
    });

    it('restarting with putInstance under a new execution id starts an empty history', async () => {
      await store.commitEpisode({
        instance: instance('r1'),
        appendEvents: episode('x'),
        consumedMessageIds: [],
      });
      await store.putInstance(instance('r1', { executionId: 'exec-2' }));
      expect(await store.getHistory('r1', 'exec-2')).toEqual([]);
      await store.commitEpisode({
        instance: instance('r1', { executionId: 'exec-2' }),
        appendEvents: episode('y'),
        consumedMessageIds: [],
      });
      expect(await store.getHistory('r1', 'exec-2')).toEqual(episode('y'));
      // Recovery rewrites the record of the same execution: its history stays.
      await store.putInstance(instance('r1', { executionId: 'exec-2', runtimeStatus: 'Suspended' }));
      expect(await store.getHistory('r1', 'exec-2')).toEqual(episode('y'));
    });

    it('enqueue is idempotent on the id and the inbox keeps arrival order', async () => {
      for (const n of [1, 2, 3]) await store.enqueue(message('q1', messageId(n)));
      await store.enqueue(message('q1', messageId(2)));
      const withoutExecution = { ...message('q1', messageId(4)), executionId: undefined };
      delete withoutExecution.executionId;
      await store.enqueue(withoutExecution);
      const inbox = await store.getInbox('q1');
      expect(inbox.map((m) => m.id)).toEqual([1, 2, 3, 4].map(messageId));
      expect(inbox[0]).toEqual(message('q1', messageId(1)));
      expect(inbox[3]).toEqual(withoutExecution);
      expect(await store.getInbox('empty')).toEqual([]);
    });

    it('a commit shows up in instance, history and inbox together', async () => {
      await store.putInstance(instance('a1'));
      for (const n of [1, 2, 3]) await store.enqueue(message('a1', messageId(n)));
      const done = instance('a1', { runtimeStatus: 'Completed', output: '"ok"' });
      const events = [
        event(EventType.TaskCompleted, { TaskScheduledId: 0 }),
        event(EventType.ExecutionCompleted),
      ];
      await store.commitEpisode({
        instance: done,
        appendEvents: events,
        consumedMessageIds: [1, 3].map(messageId),
      });
      expect(await store.getInstance('a1')).toEqual(done);
      expect(await store.getHistory('a1', 'exec-1')).toEqual(events);
      expect((await store.getInbox('a1')).map((m) => m.id)).toEqual([messageId(2)]);
    });

    it('re-applying the same commit does not duplicate history', async () => {
      await store.enqueue(message('d1', messageId(1)));
      const commit = {
        instance: instance('d1'),
        appendEvents: episode('once'),
        consumedMessageIds: [messageId(1)],
      };
      await store.commitEpisode(commit);
      await store.commitEpisode(structuredClone(commit));
      expect(await store.getHistory('d1', 'exec-1')).toEqual(episode('once'));
      await store.commitEpisode({
        instance: instance('d1'),
        appendEvents: episode('twice'),
        consumedMessageIds: [],
      });
      expect(await store.getHistory('d1', 'exec-1')).toEqual([...episode('once'), ...episode('twice')]);
    });

    it('tolerates consumed ids that are no longer in the inbox', async () => {
      await store.enqueue(message('g1', messageId(1)));
      await store.commitEpisode({
        instance: instance('g1'),
        appendEvents: episode('g'),
        consumedMessageIds: [messageId(1), messageId(99)],
      });
      expect(await store.getInbox('g1')).toEqual([]);
      expect(await store.getHistory('g1', 'exec-1')).toEqual(episode('g'));
    });

    it('round-trips a large commit (2,500 events with 1 KB inputs, 150 consumed messages)', async () => {
      await store.commitEpisode({
        instance: instance('big'),
        appendEvents: episode('first'),
        consumedMessageIds: [],
      });
      const ids = Array.from({ length: 150 }, (_, n) => messageId(n));
      for (const id of ids) await store.enqueue(message('big', id));
      await store.enqueue(message('big', messageId(999)));
      const payload = JSON.stringify({ blob: 'é"\\'.repeat(340) });
      const events = Array.from({ length: 2_500 }, (_, n) =>
        event(EventType.TaskScheduled, { EventId: n + 1, Name: `activity${n}`, Input: payload }),
      );
      await store.commitEpisode({ instance: instance('big'), appendEvents: events, consumedMessageIds: ids });
      await store.commitEpisode({
        instance: instance('big'),
        appendEvents: episode('last'),
        consumedMessageIds: [],
      });
      const history = await store.getHistory('big', 'exec-1');
      expect(history).toEqual([...episode('first'), ...events, ...episode('last')]);
      expect((await store.getInbox('big')).map((m) => m.id)).toEqual([messageId(999)]);
    });

    storeQueryContract(() => store);
  });
}
