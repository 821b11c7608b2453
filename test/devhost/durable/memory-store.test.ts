import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../../devhost/durable/memory-store.js';
import { storeContract } from './store-contract.js';
import { instance } from './store-fixtures.js';

storeContract('MemoryStore', async () => ({ store: new MemoryStore(), cleanup: async () => {} }));

describe('MemoryStore', () => {
  it('reports its kind', () => {
    expect(new MemoryStore().kind).toBe('memory');
  });

  it('orders listings by created time, then instance id', async () => {
    const store = new MemoryStore();
    await store.putInstance(instance('b', { createdTime: '2025-01-01T00:00:01Z' }));
    await store.putInstance(instance('c', { createdTime: '2025-01-01T00:00:00Z' }));
    await store.putInstance(instance('a', { createdTime: '2025-01-01T00:00:01.000Z' }));
    const first = await store.listInstances({ top: 2 });
    expect(first.items.map((i) => i.instanceId)).toEqual(['c', 'a']);
    const rest = await store.listInstances({ top: 2, continuationToken: first.continuationToken! });
    expect(rest.items.map((i) => i.instanceId)).toEqual(['b']);
    expect(rest.continuationToken).toBeUndefined();
  });

  it('rejects a continuation token it did not issue', async () => {
    const store = new MemoryStore();
    await expect(store.listInstances({ continuationToken: 'bogus' })).rejects.toThrow(/continuation token/);
  });

  it('does not alias the records it returns', async () => {
    const store = new MemoryStore();
    const record = instance('x', {
      parent: { instanceId: 'p', executionId: 'e', name: 'n', taskScheduledId: 0 },
    });
    await store.putInstance(record);
    record.parent!.taskScheduledId = 9;
    const read = (await store.getInstance('x'))!;
    read.parent!.instanceId = 'changed';
    expect((await store.getInstance('x'))?.parent).toEqual({
      instanceId: 'p',
      executionId: 'e',
      name: 'n',
      taskScheduledId: 0,
    });
  });
});
