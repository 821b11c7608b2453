import { TableServiceClient } from '@azure/data-tables';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startAzurite } from '../../devhost/durable/azurite.js';
import { freePorts, launch, loop, makeAppDir, sandboxEnv, type Launched } from './launcher.js';

/** Options of `npm start`'s launcher (`dist/sandbox/start.js`), run as a user runs it. */

const dirs: string[] = [];
const running: Launched[] = [];

afterAll(async () => {
  for (const r of running) {
    if (r.process.exitCode === null && r.process.signalCode === null) {
      r.process.kill('SIGINT');
      await r.exited;
    }
  }
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('npm start --storage', () => {
  it('moves all of the app storage: the task hub and Gantry tables', async () => {
    const azurite = await startAzurite({ location: undefined });
    try {
      const dir = makeAppDir();
      dirs.push(dir);
      const ports = await freePorts(8);
      const env = sandboxEnv(ports);
      const launched = await launch(
        dir,
        ['--port', String(ports[0]), '--storage', azurite.connectionString],
        env,
      );
      running.push(launched);
      // Gantry's API reads and writes its own tables: it answers from the given storage.
      const res = await fetch(`${loop(ports[0] ?? 0)}/api/deployments`);
      expect(res.status, await res.text()).toBe(200);
      const tables: string[] = [];
      for await (const t of TableServiceClient.fromConnectionString(azurite.connectionString, {
        allowInsecureConnection: true,
      }).listTables())
        tables.push(t.name ?? '');
      expect(tables.filter((t) => t.startsWith('GantryLocal')).length).toBeGreaterThan(0); // task hub
      expect(tables.filter((t) => /^Gantry(?!Local)/.test(t)).length).toBeGreaterThan(0); // Gantry's own
      // No local Azurite was started beside the app.
      expect(existsSync(path.join(dir, '.azurite/azurite.json'))).toBe(false);
      launched.process.kill('SIGINT');
      expect(await launched.exited).toBe(0);
    } finally {
      await azurite.stop();
    }
  }, 120_000);
});
