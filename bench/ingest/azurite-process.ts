/**
 * Azurite for the ingestion benchmark's Table store, in a process of its own: Table Storage is a remote
 * service to a deployed app, so the emulator's request parsing and LokiJS work must not take the dev
 * host's CPU (on this 2-core machine, embedded, it did: every push makes 3 Table requests and its
 * pipeline 2 more). The same `startAzurite` as the dev host's embedded one, point-lookup index included.
 *
 *   parent: `const azurite = await startAzuriteProcess()` ... `await azurite.stop()`
 *   child:  this file, forked; sends `{ connectionString }` once listening, stops on 'stop'.
 */
import { fork } from 'node:child_process';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';

interface Ready {
  connectionString: string;
  tableEndpoint: string;
  port: number;
}

export async function startAzuriteProcess(): Promise<AzuriteHandle> {
  const child = fork(__filename, ['--child'], {
    execArgv: [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`Azurite process exited (${code}) before it listened`)));
    child.once('message', (message: Ready) => resolve(message));
  });
  return {
    ...ready,
    stop: async () => {
      if (child.connected) child.send('stop');
      await exited;
    },
  };
}

async function child(): Promise<void> {
  const azurite = await startAzurite({ location: undefined });
  const { connectionString, tableEndpoint, port } = azurite;
  process.send?.({ connectionString, tableEndpoint, port } satisfies Ready);
  process.on('message', (message) => {
    if (message === 'stop') void azurite.stop().then(() => process.exit(0));
  });
  // The parent died without saying stop: do not outlive it.
  process.on('disconnect', () => void azurite.stop().then(() => process.exit(0)));
}

if (require.main === module && process.argv.includes('--child'))
  child().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
