import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../../fakes/memory-run-store.js';
import { runStoreContract } from './run-store-contract.js';
import { deployment } from './run-store-fixtures.js';

runStoreContract('MemoryRunStore', async () => new MemoryRunStore());

describe('MemoryRunStore', () => {
  it('hands out copies, so callers cannot change stored records behind its back', async () => {
    const store = new MemoryRunStore();
    const d = deployment('api', 'v1');
    const { record } = await store.createDeployment(d);
    record.weight = 99;
    d.weight = 98;
    const read = await store.getDeployment('api', d.id);
    expect(read?.weight).toBe(0);
    if (read) read.state = 'Failed';
    expect((await store.findDeployment(d.id))?.state).toBe('Queued');
  });
});
