import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';
import { DEV_ACCOUNT_KEY, startAzurite } from '../../../devhost/durable/azurite.js';

describe('startAzurite', () => {
  it('serves Tables in memory on a free port with the well-known dev account', async () => {
    const azurite = await startAzurite({ location: undefined, port: 0 });
    try {
      expect(azurite.port).toBeGreaterThan(0);
      expect(azurite.tableEndpoint).toBe(`http://127.0.0.1:${azurite.port}/devstoreaccount1`);
      expect(azurite.connectionString).toContain(`AccountKey=${DEV_ACCOUNT_KEY};`);
      expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.tableEndpoint};`);
      const table = TableClient.fromConnectionString(azurite.connectionString, 'probe', {
        allowInsecureConnection: true,
      });
      await table.createTable();
      await table.upsertEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
      expect((await table.getEntity('p', 'r')).value).toBe(42);
    } finally {
      await azurite.stop();
    }
  });

  it('releases its port on stop, so it can start again on the same port', async () => {
    const first = await startAzurite({ location: undefined });
    await first.stop();
    await first.stop(); // idempotent
    const second = await startAzurite({ location: undefined, port: first.port, silent: true });
    expect(second.port).toBe(first.port);
    await second.stop();
  });
});
