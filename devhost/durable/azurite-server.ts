/**
 * Entry point of the Azurite child process `azurite-process.ts` starts: Azurite's Table service in its
 * own process, so that it outlives a `kill -9` of the dev host and keeps everything the host had written
 * (Azurite acknowledges a write once it is in its in-memory database and saves that database every few
 * seconds and on SIGTERM/SIGINT; only a crash of this process itself can lose the last seconds).
 *
 * Usage: node azurite-server.js <location> [port]. Writes `<location>/azurite.json` ({pid, port})
 * atomically once listening, reports the same to its parent over IPC when it has one, and removes the
 * file when stopped by a signal.
 */
import { renameSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startAzurite } from './azurite.js';

export const INFO_FILE = 'azurite.json';

export interface AzuriteProcessInfo {
  pid: number;
  port: number;
}

async function main(): Promise<void> {
  const [location, portArg] = process.argv.slice(2);
  if (!location) throw new Error('usage: azurite-server <location> [port]');
  const azurite = await startAzurite({ location, port: Number(portArg ?? 0) });
  const info: AzuriteProcessInfo = { pid: process.pid, port: azurite.port };
  const file = join(location, INFO_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(info));
  renameSync(`${file}.tmp`, file);
  // The parent disconnects once it has the port; this process lives on without it.
  process.on('disconnect', () => undefined);
  process.send?.({ ready: info });
  const stop = (): void => {
    void azurite.stop().finally(() => {
      try {
        const current = JSON.parse(readFileSync(file, 'utf8')) as AzuriteProcessInfo;
        if (current.pid === process.pid) rmSync(file, { force: true });
      } finally {
        process.exit(0);
      }
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.send?.({ error: message });
    process.stderr.write(`${message}\n`);
    process.exit(1);
  });
}
