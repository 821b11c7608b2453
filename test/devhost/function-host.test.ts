import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLogger, loadFunctionHost, startFunctionHost } from '../../devhost/function-host.js';
import { currentRegistry } from '../../devhost/functions/core-module.js';
import { jsonResponse } from '../../devhost/http/types.js';
import {
  basicState,
  fixtureApp,
  ManualClock,
  memoryLogger,
  removeTempDirs,
  tempDir,
} from './host-test-helpers.js';

const clientData = {
  taskHubName: 'BasicHub',
  creationUrls: {},
  managementUrls: {},
  rpcBaseUrl: 'http://127.0.0.1:1/durabletask/',
};

afterEach(() => {
  vi.restoreAllMocks();
  removeTempDirs();
});

describe('function host', () => {
  it('loads first, takes input providers, then listens with extra routes between admin and HTTP triggers', async () => {
    const clock = new ManualClock('2025-01-01T00:00:00Z');
    const env: NodeJS.ProcessEnv = {};
    const loaded = await loadFunctionHost({
      appDir: fixtureApp('basic'),
      port: 0,
      clock,
      env,
      logger: memoryLogger(),
    });
    expect(loaded.settings.durableTask.hubName).toBe('BasicHub');
    expect(env.FIXTURE_HUB).toBe('BasicHub');
    const origins: (string | undefined)[] = [];
    loaded.invoker.provideInput('durableClient', (_binding, origin) => {
      origins.push(origin);
      return clientData;
    });
    expect((await loaded.invoker.invoke('greet', 'Ada')).result).toBe('Hello, Ada!');
    const host = await loaded.listen({
      extraRoutes: [
        (req) =>
          req.url.pathname.startsWith('/api/hello') ? jsonResponse(200, { from: 'extra' }) : undefined,
        (req) => (req.url.pathname === '/admin/functions' ? jsonResponse(200, { from: 'extra' }) : undefined),
      ],
    });
    try {
      expect(await (await fetch(`${host.url}/api/hello`)).json()).toEqual({ from: 'extra' });
      expect(await (await fetch(`${host.url}/admin/functions`)).json()).toHaveProperty('functions');
      const started = await fetch(`${host.url}/api/orchestrators/orch`, { method: 'POST' });
      expect(await started.json()).toEqual({ hub: 'BasicHub', url: `${host.url}/api/orchestrators/orch` });
      expect(origins).toEqual([host.url]);
      expect(host.functions().find((f) => f.name === 'hello')?.url).toBe(`${host.url}/api/hello`);
      await expect(loaded.listen()).rejects.toThrow(/listen\(\) may be called once/);
    } finally {
      await host.close();
    }
  });

  it('runs timer triggers on the given clock and stops everything on close', async () => {
    const clock = new ManualClock('2025-01-01T00:30:00Z');
    const host = await startFunctionHost({
      appDir: fixtureApp('basic'),
      port: 0,
      clock,
      env: {},
      logger: memoryLogger(),
      inputProviders: { durableClient: () => clientData },
    });
    expect(host.timers?.timers()).toEqual([
      { name: 'tick', schedule: '0 0 * * * *', next: new Date('2025-01-01T01:00:00Z') },
    ]);
    const fired = basicState().timers.length;
    const rearmed = clock.nextSchedule();
    clock.advanceTo('2025-01-01T01:00:00Z');
    await rearmed;
    expect(basicState().timers.slice(fired)).toEqual([
      expect.objectContaining({ isPastDue: false, schedule: { adjustForDST: true } }),
    ]);
    const terminated = basicState().appTerminate;
    await host.close();
    await host.close();
    expect(basicState().appTerminate).toBe(terminated + 1);
    expect(clock.pending()).toEqual([]);
    expect(currentRegistry()).toBeUndefined();
    await expect(fetch(`${host.url}/api/hello`)).rejects.toThrow();
  });

  it('fails listen() on a bad timer schedule and releases the port and registry', async () => {
    const loaded = await loadFunctionHost({
      appDir: fixtureApp('basic'),
      port: 0,
      clock: new ManualClock(0),
      env: { FIXTURE_SCHEDULE: 'every minute' },
      logger: memoryLogger(),
    });
    await expect(loaded.listen()).rejects.toThrow(/Timer function "tick" has a bad schedule/);
    expect(currentRegistry()).toBeUndefined();
  });

  it('can be closed before listening, and a failed load leaves no registry behind', async () => {
    const loaded = await loadFunctionHost({
      appDir: fixtureApp('basic'),
      clock: new ManualClock(0),
      env: {},
      logger: memoryLogger(),
    });
    expect(currentRegistry()).toBe(loaded.registry);
    await loaded.close();
    expect(currentRegistry()).toBeUndefined();
    await expect(
      loadFunctionHost({ appDir: fixtureApp('broken'), clock: new ManualClock(0), logger: memoryLogger() }),
    ).rejects.toThrow(/b-throws\.js/);
    expect(currentRegistry()).toBeUndefined();
  });

  it('fails to load an app that cannot reach @azure/functions and leaves no registry behind', async () => {
    // Outside the repository: nothing on the app's resolution path provides the SDK.
    const appDir = tempDir({
      'package.json': JSON.stringify({ name: 'no-sdk', main: 'index.js' }),
      'host.json': JSON.stringify({ version: '2.0' }),
      'index.js': '',
    });
    await expect(
      loadFunctionHost({ appDir, clock: new ManualClock(0), env: {}, logger: memoryLogger() }),
    ).rejects.toThrow(/Cannot find module '@azure\/functions'/);
    expect(currentRegistry()).toBeUndefined();
  });
});

describe('consoleLogger', () => {
  it('drops levels below the minimum and routes errors and warnings', () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const logger = consoleLogger('information');
    logger('debug', 'hidden');
    logger('information', 'shown', 1);
    logger('warning', 'careful');
    logger('critical', 'bad');
    expect(log.mock.calls).toEqual([['shown', 1]]);
    expect(warn.mock.calls).toEqual([['careful']]);
    expect(error.mock.calls).toEqual([['bad']]);
  });
});
