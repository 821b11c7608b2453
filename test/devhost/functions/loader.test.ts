import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Registry, uninstall } from '../../../devhost/functions/core-module.js';
import { loadApp, resolveEntryFiles } from '../../../devhost/functions/loader.js';
import { basicState, fixtureApp, removeTempDirs, tempDir } from '../host-test-helpers.js';

afterAll(removeTempDirs);

afterEach(() => uninstall());

describe('loadApp', () => {
  it('loads every file "main" matches (with ** and {a,b}) in sorted order and captures metadata', async () => {
    const registry = new Registry();
    const app = await loadApp(fixtureApp('basic'), registry);
    expect(app.files).toEqual([
      'src/functions/events.js',
      'src/functions/http.js',
      'src/functions/nested/durable.js',
      'src/hooks/hooks.js',
    ]);
    const items = registry.get('items');
    expect(items?.triggerName).toMatch(/^httpTrigger[0-9a-f]{10}$/);
    expect(items?.trigger).toMatchObject({
      type: 'httpTrigger',
      direction: 'in',
      route: 'items/{id:int}/{tag?}',
      methods: ['GET', 'DELETE'],
      authLevel: 'anonymous',
      properties: { supportsDeferredBinding: 'false' },
    });
    expect(items?.metadata.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    const start = registry.get('startOrch');
    expect(start?.metadata.bindings.durableClientInputd82f0ee27b).toEqual({
      type: 'durableClient',
      name: 'durableClientInputd82f0ee27b',
      direction: 'in',
      properties: { supportsDeferredBinding: 'false' },
    });
    expect(registry.get('orch')?.trigger.type).toBe('orchestrationTrigger');
    expect(registry.get('tick')?.trigger).toMatchObject({
      type: 'timerTrigger',
      schedule: '%FIXTURE_SCHEDULE%',
    });
    expect(registry.get('onEvent')?.trigger.type).toBe('eventGridTrigger');
    expect(registry.get('queueish')?.trigger.type).toBe('queueTrigger');
    expect(registry.get('GREET')?.name).toBe('greet'); // names are case-insensitive
  });

  it('runs appStart hooks with the app directory, then refuses registrations', async () => {
    const registry = new Registry();
    const seen: Record<string, unknown>[] = [];
    registry.registerHook('appStart', (ctx) => {
      seen.push(ctx);
    });
    const before = basicState()?.appStart ?? 0;
    await loadApp(fixtureApp('basic'), registry);
    expect(basicState().appStart).toBe(before + 1);
    expect(seen[0]).toMatchObject({
      hookData: {},
      appHookData: {},
      functionAppDirectory: fixtureApp('basic'),
    });
    expect(registry.locked).toBe(true);
    const { app } = createRequire(path.join(fixtureApp('basic'), 'package.json'))('@azure/functions');
    expect(() => app.http('late', { handler: () => ({}) })).toThrow(/only allowed during app startup/);
  });

  it('loads the same app again with fresh registrations (second host in one process)', async () => {
    const first = new Registry();
    await loadApp(fixtureApp('basic'), first);
    uninstall(first);
    const loads = basicState().loads;
    const second = new Registry();
    await loadApp(fixtureApp('basic'), second);
    expect(basicState().loads).toBe(loads + 1);
    expect(second.list().map((f) => f.name)).toEqual(first.list().map((f) => f.name));
  });

  it('runs appTerminate hooks on terminate()', async () => {
    const registry = new Registry();
    const app = await loadApp(fixtureApp('basic'), registry);
    const before = basicState().appTerminate;
    await app.terminate();
    expect(basicState().appTerminate).toBe(before + 1);
  });

  it('loads ESM apps (.js under "type": "module" and .mjs)', async () => {
    const registry = new Registry();
    const app = await loadApp(fixtureApp('esm'), registry);
    expect(app.files).toEqual(['src/a.js', 'src/b.mjs']);
    expect(registry.list().map((f) => f.name)).toEqual(['esmA', 'esmB']);
  });

  it('names the app file that threw and detaches the registry', async () => {
    const registry = new Registry();
    await expect(loadApp(fixtureApp('broken'), registry)).rejects.toThrow(
      'Failed to load function app file "src/b-throws.js": cannot start: missing config',
    );
    expect(registry.locked).toBe(false);
  });

  it('refuses a duplicate function name', async () => {
    await expect(loadApp(fixtureApp('duplicate'), new Registry())).rejects.toThrow(
      'A function with id "same" has already been registered.',
    );
  });
});

describe('resolveEntryFiles', () => {
  it('explains a missing package.json, a missing main and a main matching nothing', () => {
    expect(() => resolveEntryFiles(tempDir({ 'x.js': '' }))).toThrow(/No package.json in/);
    expect(() => resolveEntryFiles(tempDir({ 'package.json': '{"name":"x"}' }))).toThrow(/has no "main"/);
    expect(() => resolveEntryFiles(tempDir({ 'package.json': '{"main":"dist/*.js"}' }))).toThrow(
      /"main" in .* \("dist\/\*\.js"\) matches no file.*Did you build the app\?/,
    );
    expect(() => resolveEntryFiles(tempDir({ 'package.json': '{"main":' }))).toThrow(
      /Cannot parse .*package.json/,
    );
  });

  it('accepts a plain file main', () => {
    const dir = tempDir({ 'package.json': '{"main":"./index.js"}', 'index.js': '' });
    expect(resolveEntryFiles(dir)).toEqual(['index.js']);
  });
});
