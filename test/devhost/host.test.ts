import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AzuriteProcessHandle } from '../../devhost/durable/azurite-process.js';
import { startAzurite, type AzuriteHandle } from '../../devhost/durable/azurite.js';
import { currentRegistry } from '../../devhost/functions/core-module.js';
import { startDevHost } from '../../devhost/host.js';
import { startTestHost } from '../../devhost/testing.js';
import { fixtureApp, memoryLogger, removeTempDirs, tempDir } from './host-test-helpers.js';

const app = fixtureApp('conformance');

let azurite: AzuriteHandle;
beforeAll(async () => {
  azurite = await startAzurite({ location: undefined });
});
afterAll(async () => {
  await azurite?.stop();
});
afterEach(() => removeTempDirs());

describe('the dev host', () => {
  it('keeps the task hub in Table Storage and resumes an unfinished orchestration after a restart', async () => {
    const env: NodeJS.ProcessEnv = { AzureWebJobsStorage: azurite.connectionString };
    const log = memoryLogger();
    const first = await startTestHost({ appDir: app, store: 'table', env, logger: log });
    const id = 'host-test-resume';
    try {
      expect(first.store.kind).toBe('table');
      expect(first.azurite).toBeUndefined();
      await first.startOrchestration('waitForever', undefined, id);
      await first.waitFor(id, (s) => s.customStatus === '"waiting"', { advanceTime: false });
    } finally {
      await first.close();
    }
    const second = await startTestHost({ appDir: app, store: 'table', env, logger: log });
    try {
      expect(log.lines).toContainEqual({
        level: 'information',
        text: '[durable] resumed 1 unfinished orchestration(s)',
      });
      await second.raiseEvent(id, 'Release', 'go');
      expect(await second.waitForCompletion(id)).toMatchObject({
        runtimeStatus: 'Completed',
        output: '"go"',
      });
    } finally {
      await second.close();
    }
  });

  it('starts an Azurite of its own for development storage, points the app at it and stops it on close', async () => {
    const env: NodeJS.ProcessEnv = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
    const host = await startTestHost({ appDir: app, store: 'table', env, azuriteLocation: null });
    const own = host.azurite;
    try {
      expect(own).toBeDefined();
      // The app's own tables and the task hub are in the same storage, as in Azure.
      expect(env.AzureWebJobsStorage).toBe(own?.connectionString);
      const id = await host.startOrchestration('sequence');
      expect(await host.waitForCompletion(id)).toMatchObject({
        runtimeStatus: 'Completed',
        output: JSON.stringify(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']),
      });
    } finally {
      await host.close();
    }
    await expect(fetch(`${own?.tableEndpoint}/Tables`)).rejects.toThrow();
  });

  it('runs development storage in an Azurite process of its own at the given location, ended by close', async () => {
    const location = tempDir({});
    const env: NodeJS.ProcessEnv = { AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
    const host = await startTestHost({ appDir: app, store: 'table', env, azuriteLocation: location });
    const own = host.azurite as AzuriteProcessHandle | undefined;
    try {
      // Its own process, so a kill -9 of the host loses nothing Azurite had acknowledged.
      expect(own?.pid).toBeGreaterThan(0);
      expect(own?.pid).not.toBe(process.pid);
      expect(existsSync(path.join(location, 'azurite.json'))).toBe(true);
      expect(env.AzureWebJobsStorage).toBe(own?.connectionString);
      const id = await host.startOrchestration('fanOutFanIn', 4);
      expect((await host.waitForCompletion(id)).output).toBe('20');
    } finally {
      await host.close();
    }
    await expect(fetch(`${own?.tableEndpoint}/Tables`)).rejects.toThrow();
  });

  it('hands the app a Durable client whose URLs point back at the host', async () => {
    const host = await startTestHost({ appDir: app, env: {} });
    try {
      const res = await host.request('/api/orchestrators/sequence/host-test-client', { method: 'POST' });
      expect(res.status).toBe(202);
      const body = (await res.json()) as { id: string; statusQueryGetUri: string };
      expect(body.id).toBe('host-test-client');
      expect(body.statusQueryGetUri.startsWith(`${host.url}/runtime/webhooks/durabletask/instances/`)).toBe(
        true,
      );
      expect((await host.waitForCompletion('host-test-client')).runtimeStatus).toBe('Completed');
    } finally {
      await host.close();
    }
  });

  it('fails to start on a port in use and leaves nothing loaded or open behind', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      await expect(
        startDevHost({ appDir: app, port, store: 'memory', env: {}, logger: memoryLogger() }),
      ).rejects.toThrow(/EADDRINUSE/);
      expect(currentRegistry()).toBeUndefined();
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    // The failed start released the app: the next host loads it again.
    const host = await startTestHost({ appDir: app, env: {} });
    await host.close();
  });
});
