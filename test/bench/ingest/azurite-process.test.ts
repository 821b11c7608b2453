import path from 'node:path';
import { TableClient } from '@azure/data-tables';
import { describe, expect, it } from 'vitest';

/**
 * The ingestion benchmark's Azurite in a process of its own (bench/ingest/azurite-process.ts): it serves
 * Table requests on the connection string it hands back, and `stop` ends the process (so that the
 * benchmark leaves nothing listening). Runs the compiled benchmark (`npm run build` first).
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');
type Module = typeof import('../../../bench/ingest/azurite-process.js');

describe('Azurite process for the ingestion benchmark', () => {
  it('serves Table requests until stopped, then no longer listens', async () => {
    const { startAzuriteProcess } = (await import(
      path.join(ROOT, 'dist/bench/ingest/azurite-process.js')
    )) as Module;
    const azurite = await startAzuriteProcess();
    const client = TableClient.fromConnectionString(azurite.connectionString, 'Probe', {
      allowInsecureConnection: true,
      retryOptions: { maxRetries: 0 },
    });
    await client.createTable();
    await client.createEntity({ partitionKey: 'p', rowKey: 'r', value: 42 });
    expect((await client.getEntity<{ value: number }>('p', 'r')).value).toBe(42);
    await azurite.stop();
    await expect(fetch(azurite.tableEndpoint)).rejects.toThrow();
  }, 60_000);
});
