/**
 * Listing (filters, `top`, continuation), the recovery scan, purge and ids with characters that are
 * special to Table Storage keys. Registered inside storeContract's describe block, which supplies a
 * fresh, initialised store per test.
 */
import { describe, expect, it } from 'vitest';
import type {
  InstanceQuery,
  InstanceState,
  RuntimeStatus,
  TaskHubStore,
} from '../../../devhost/durable/types.js';
import { episode, instance, message, messageId } from './store-fixtures.js';

const STATUSES: RuntimeStatus[] = ['Running', 'Completed', 'Failed', 'Pending'];

/** 120 instances, one second apart, in two id families, cycling through four statuses. */
async function seed(store: TaskHubStore): Promise<InstanceState[]> {
  const all: InstanceState[] = [];
  for (let n = 0; n < 120; n++) {
    const family = n % 3 === 0 ? 'beta' : 'alpha';
    const created = new Date(Date.UTC(2025, 0, 1, 0, 0, n)).toISOString();
    const record = instance(`${family}-${String(n).padStart(3, '0')}`, {
      createdTime: created,
      lastUpdatedTime: created,
      runtimeStatus: STATUSES[n % STATUSES.length] ?? 'Running',
    });
    all.push(record);
  }
  // Inserted out of order so that the store, not the insertion order, decides the listing order.
  for (const record of [...all].reverse()) await store.putInstance(record);
  return all;
}

async function listAll(store: TaskHubStore, query: InstanceQuery): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let pages = 0;
  let continuationToken: string | undefined;
  do {
    const page = await store.listInstances({ ...query, ...(continuationToken && { continuationToken }) });
    pages++;
    if (query.top !== undefined) expect(page.items.length).toBeLessThanOrEqual(query.top);
    ids.push(...page.items.map((i) => i.instanceId));
    continuationToken = page.continuationToken;
  } while (continuationToken && pages < 1000);
  return { ids, pages };
}

const idsOf = (records: InstanceState[]): string[] => records.map((r) => r.instanceId).sort();

export function storeQueryContract(getStore: () => TaskHubStore): void {
  describe('queries', () => {
    it('pages through 120 instances with top + continuation, no duplicates or gaps', async () => {
      const store = getStore();
      const all = await seed(store);
      const { ids, pages } = await listAll(store, { top: 7 });
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual(idsOf(all));
      expect(pages).toBeGreaterThanOrEqual(18);
      const single = await store.listInstances({});
      expect(single.continuationToken).toBeUndefined();
      expect(single.items.map((i) => i.instanceId).sort()).toEqual(idsOf(all));
      expect(single.items.find((i) => i.instanceId === 'alpha-001')).toEqual(all[1]);
    });

    it('filters by status, created time (inclusive), id prefix and their combination', async () => {
      const store = getStore();
      const all = await seed(store);
      const expectIds = async (query: InstanceQuery, expected: InstanceState[]) => {
        expect([...(await listAll(store, query)).ids].sort()).toEqual(idsOf(expected));
      };
      await expectIds(
        { runtimeStatus: ['Completed'] },
        all.filter((r) => r.runtimeStatus === 'Completed'),
      );
      await expectIds(
        { runtimeStatus: ['Failed', 'Pending'], top: 5 },
        all.filter((r) => r.runtimeStatus === 'Failed' || r.runtimeStatus === 'Pending'),
      );
      const from = all[10]?.createdTime ?? '';
      const to = all[20]?.createdTime ?? '';
      await expectIds({ createdTimeFrom: from, createdTimeTo: to }, all.slice(10, 21));
      await expectIds({ createdTimeFrom: '2025-01-01T00:01:50Z' }, all.slice(110));
      await expectIds(
        { instanceIdPrefix: 'beta-', top: 4 },
        all.filter((r) => r.instanceId.startsWith('beta-')),
      );
      await expectIds(
        { instanceIdPrefix: 'alpha-00' },
        all.filter((r) => r.instanceId.startsWith('alpha-00')),
      );
      await expectIds(
        { instanceIdPrefix: 'alpha-', runtimeStatus: ['Running'], createdTimeTo: to },
        all.slice(0, 21).filter((r) => r.instanceId.startsWith('alpha-') && r.runtimeStatus === 'Running'),
      );
      await expectIds({ instanceIdPrefix: 'gamma' }, []);
      await expect(store.listInstances({ createdTimeFrom: 'yesterday' })).rejects.toThrow(/createdTimeFrom/);
    });

    it('lists unfinished instances for recovery', async () => {
      const store = getStore();
      const parent = { instanceId: 'p', executionId: 'pe', name: 'parent', taskScheduledId: 1 };
      const records = [
        instance('running', { runtimeStatus: 'Running' }),
        instance('pending', { runtimeStatus: 'Pending' }),
        instance('suspended', { runtimeStatus: 'Suspended' }),
        instance('done', { runtimeStatus: 'Completed' }),
        instance('continued', { runtimeStatus: 'ContinuedAsNew', parent }),
        instance('child-unnotified', { runtimeStatus: 'Completed', parent }),
        instance('child-failed', { runtimeStatus: 'Failed', parent, parentNotified: false }),
        instance('child-notified', { runtimeStatus: 'Terminated', parent, parentNotified: true }),
      ];
      for (const record of records) await store.putInstance(record);
      const unfinished = await store.listUnfinishedInstances();
      expect(unfinished.map((i) => i.instanceId).sort()).toEqual(
        ['child-failed', 'child-unnotified', 'pending', 'running', 'suspended'].sort(),
      );
      // A commit that notifies the parent takes the child out of the recovery set.
      const notified = { ...records[5]!, parentNotified: true };
      await store.commitEpisode({ instance: notified, appendEvents: [], consumedMessageIds: [] });
      expect((await store.listUnfinishedInstances()).map((i) => i.instanceId)).not.toContain(
        'child-unnotified',
      );
    });

    it('purges instance, every execution history and the inbox', async () => {
      const store = getStore();
      await store.commitEpisode({
        instance: instance('gone'),
        appendEvents: episode('a'),
        consumedMessageIds: [],
      });
      await store.commitEpisode({
        instance: instance('gone', { executionId: 'exec-2' }),
        appendEvents: episode('b'),
        newExecution: true,
        consumedMessageIds: [],
      });
      await store.enqueue(message('gone', messageId(1)));
      await store.putInstance(instance('kept'));
      expect(await store.purgeInstance('gone')).toBe(true);
      expect(await store.getInstance('gone')).toBeUndefined();
      expect(await store.getHistory('gone', 'exec-1')).toEqual([]);
      expect(await store.getHistory('gone', 'exec-2')).toEqual([]);
      expect(await store.getInbox('gone')).toEqual([]);
      expect(await store.purgeInstance('gone')).toBe(false);
      expect(await store.purgeInstance('never')).toBe(false);
      expect(await store.getInstance('kept')).toBeDefined();
    });

    it('round-trips ids with / # ? \\ | % control characters and unicode', async () => {
      const store = getStore();
      const ids = ['a/b#c?d\\e', 'ünï€😀/日本', '100%|x', 'tab\there\u0001', 'a/b'];
      for (const id of ids) {
        const msgId = `${id}#msg/1?`;
        await store.enqueue({ ...message(id, msgId), executionId: 'x/y#z' });
        await store.commitEpisode({
          instance: instance(id, { executionId: 'x/y#z' }),
          appendEvents: episode(id),
          consumedMessageIds: [],
        });
        expect(await store.getInstance(id)).toEqual(instance(id, { executionId: 'x/y#z' }));
        expect(await store.getHistory(id, 'x/y#z')).toEqual(episode(id));
        expect((await store.getInbox(id)).map((m) => [m.id, m.instanceId])).toEqual([[msgId, id]]);
      }
      expect((await listAll(store, { instanceIdPrefix: 'a/b' })).ids.sort()).toEqual(['a/b', 'a/b#c?d\\e']);
      expect((await listAll(store, { instanceIdPrefix: 'ünï€😀' })).ids).toEqual(['ünï€😀/日本']);
      expect((await listAll(store, { top: 2 })).ids.sort()).toEqual([...ids].sort());
      expect(await store.purgeInstance('a/b')).toBe(true);
      expect(await store.getInstance('a/b#c?d\\e')).toBeDefined();
    });
  });
}
