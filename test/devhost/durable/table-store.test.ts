import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TableClient, type TransactionAction } from '@azure/data-tables';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { TableStore, taskHubTableName } from '../../../devhost/durable/table-store.js';
import { storeContract } from './store-contract.js';
import { episode, event, instance, message, messageId } from './store-fixtures.js';
import { EventType } from '../../../devhost/durable/types.js';

let azurite: AzuriteHandle;
let hubs = 0;
const nextHub = () => `test${Date.now().toString(36)}x${++hubs}`;

beforeAll(async () => {
  azurite = await startAzurite({ location: undefined, port: 0 });
});
afterEach(() => {
  vi.restoreAllMocks();
});
afterAll(async () => {
  await azurite?.stop();
});

function newStore(taskHub = nextHub()): TableStore {
  return new TableStore({ connectionString: azurite.connectionString, taskHub });
}

function clientOf(store: TableStore): TableClient {
  return (store as unknown as { client: TableClient }).client;
}

storeContract('TableStore', async () => {
  const store = newStore();
  return { store, cleanup: () => clientOf(store).deleteTable() };
});

describe('TableStore', () => {
  it('validates the task hub name and derives the table name', () => {
    expect(taskHubTableName('GantryHub1')).toBe('GantryHub1Instances');
    for (const bad of ['ab', '1hub', 'my-hub', 'hub_x', 'h'.repeat(46), '']) {
      expect(() => newStore(bad)).toThrow(/Invalid task hub name/);
    }
    const store = new TableStore({ connectionString: 'UseDevelopmentStorage=true', taskHub: 'DevHub' });
    expect(store.kind).toBe('table');
    expect(store.tableName).toBe('DevHubInstances');
  });

  it('rejects instance ids too long for a Table key', async () => {
    const store = newStore();
    await store.init();
    await expect(store.putInstance(instance('x'.repeat(600)))).rejects.toThrow(/too long/);
  });

  it('explains an instance record too large for one entity', async () => {
    const store = newStore();
    await store.init();
    const huge = instance('huge', { input: JSON.stringify('€'.repeat(400_000)) });
    await expect(store.putInstance(huge)).rejects.toThrow(/too large for one Table entity/);
    const fits = instance('fits', { input: JSON.stringify('a'.repeat(400_000)) });
    await store.putInstance(fits);
    expect(await store.getInstance('fits')).toEqual(fits);
  });

  it('commits a normal episode with a single transaction', async () => {
    const store = newStore();
    await store.init();
    await store.putInstance(instance('one'));
    await store.enqueue(message('one', messageId(1)));
    const client = clientOf(store);
    const submit = vi.spyOn(client, 'submitTransaction');
    const upsert = vi.spyOn(client, 'upsertEntity');
    const get = vi.spyOn(client, 'getEntity');
    await store.commitEpisode({
      instance: instance('one'),
      appendEvents: episode('e'),
      consumedMessageIds: [messageId(1)],
    });
    expect(submit).toHaveBeenCalledTimes(1);
    expect(submit.mock.calls[0]?.[0]).toHaveLength(3);
    expect(upsert).not.toHaveBeenCalled();
    expect(get).not.toHaveBeenCalled();
  });

  it('a crash after writing history rows of a step-wise commit leaves nothing visible', async () => {
    const hub = nextHub();
    const store = newStore(hub);
    await store.init();
    await store.commitEpisode({
      instance: instance('s1'),
      appendEvents: episode('a'),
      consumedMessageIds: [],
    });
    for (let n = 0; n < 120; n++) await store.enqueue(message('s1', messageId(n)));
    const ids = Array.from({ length: 120 }, (_, n) => messageId(n));
    const crashed = {
      instance: instance('s1', { runtimeStatus: 'Completed' as const }),
      consumedMessageIds: ids,
    };
    vi.spyOn(clientOf(store), 'upsertEntity').mockRejectedValueOnce(new Error('crash'));
    await expect(store.commitEpisode({ ...crashed, appendEvents: episode('lost') })).rejects.toThrow('crash');

    const restarted = newStore(hub);
    expect(await restarted.getHistory('s1', 'exec-1')).toEqual(episode('a'));
    expect(await restarted.getInbox('s1')).toHaveLength(120);
    expect((await restarted.getInstance('s1'))?.runtimeStatus).toBe('Running');
    // The re-run writes over the orphan rows at the same keys, then appends after them.
    await restarted.commitEpisode({ ...crashed, appendEvents: [event(EventType.ExecutionCompleted)] });
    await restarted.commitEpisode({ ...crashed, appendEvents: episode('c'), consumedMessageIds: [] });
    expect(await newStore(hub).getHistory('s1', 'exec-1')).toEqual([
      ...episode('a'),
      event(EventType.ExecutionCompleted),
      ...episode('c'),
    ]);
    expect(await restarted.getInbox('s1')).toEqual([]);
  });

  it('a crash before the consumed messages are deleted hides them and finishes the deletion later', async () => {
    const hub = nextHub();
    const store = newStore(hub);
    await store.init();
    for (let n = 0; n < 150; n++) await store.enqueue(message('s2', messageId(n)));
    const consumed = Array.from({ length: 149 }, (_, n) => messageId(n));
    const client = clientOf(store);
    const submit = client.submitTransaction.bind(client);
    vi.spyOn(client, 'submitTransaction').mockImplementation(async (actions: TransactionAction[]) => {
      if (actions.some(([kind]) => kind === 'delete')) throw new Error('crash');
      return submit(actions);
    });
    const commit = { instance: instance('s2'), appendEvents: episode('x'), consumedMessageIds: consumed };
    await expect(store.commitEpisode(commit)).rejects.toThrow('crash');

    const raw = TableClient.fromConnectionString(azurite.connectionString, taskHubTableName(hub), {
      allowInsecureConnection: true,
    });
    const countRows = async () => {
      let count = 0;
      for await (const _ of raw.listEntities()) count++;
      return count;
    };
    const before = await countRows();
    const restarted = newStore(hub);
    expect((await restarted.getInbox('s2')).map((m) => m.id)).toEqual([messageId(149)]);
    expect(await countRows()).toBe(before - 149);
    expect(await restarted.getHistory('s2', 'exec-1')).toEqual(episode('x'));
    // Re-running the interrupted commit changes nothing.
    await restarted.commitEpisode(commit);
    expect(await restarted.getHistory('s2', 'exec-1')).toEqual(episode('x'));
  });

  it('keeps data across an Azurite restart with the same location', async () => {
    const location = await mkdtemp(join(tmpdir(), 'gantry-azurite-'));
    try {
      const first = await startAzurite({ location });
      const store = new TableStore({ connectionString: first.connectionString, taskHub: 'PersistHub' });
      await store.init();
      await store.enqueue(message('p1', messageId(1)));
      await store.commitEpisode({
        instance: instance('p1'),
        appendEvents: episode('kept'),
        consumedMessageIds: [],
      });
      await first.stop();

      const second = await startAzurite({ location });
      try {
        const again = new TableStore({ connectionString: second.connectionString, taskHub: 'PersistHub' });
        await again.init();
        expect(await again.getInstance('p1')).toEqual(instance('p1'));
        expect(await again.getHistory('p1', 'exec-1')).toEqual(episode('kept'));
        expect((await again.getInbox('p1')).map((m) => m.id)).toEqual([messageId(1)]);
      } finally {
        await second.stop();
      }
    } finally {
      await rm(location, { recursive: true, force: true });
    }
  });
});
