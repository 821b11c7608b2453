import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * functions/durable/register.ts registers Durable functions without loading the SDK. What the host sees
 * must be exactly what the SDK's own `df.app.*` would have registered, and the SDK must load on the
 * first invocation, not before. Each case runs in a fresh process (the module cache is the subject)
 * through the dev host's `@azure/functions-core` facade, on the compiled app (`npm run build` first).
 */
const ROOT = path.resolve(__dirname, '..', '..', '..');

function run(script: string): unknown {
  const prelude = `
    const { install, Registry } = require(${JSON.stringify(path.join(ROOT, 'dist/devhost/functions/core-module.js'))});
    const registry = new Registry();
    install(registry);
    const lazy = require(${JSON.stringify(path.join(ROOT, 'dist/functions/durable/register.js'))});
    const sdkLoaded = () => Object.keys(require.cache).some((f) => f.includes('/node_modules/durable-functions/'));
    const bindings = (name) => Object.values(registry.get(name).metadata.bindings).map(({ name: _n, ...b }) => b);
  `;
  const out = execFileSync(
    process.execPath,
    ['-e', `${prelude}\n(async () => { ${script} })().then((r) => process.stdout.write(JSON.stringify(r)));`],
    {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return JSON.parse(out);
}

describe('lazy Durable registrations (functions/durable/register.ts)', () => {
  it('register what df.app.* registers, for every kind the app uses', () => {
    const result = run(`
      const extra = { type: 'table', direction: 'in', tableName: 't', connection: 'c', name: 'row' };
      lazy.orchestration('lazyOrch', () => function* () {});
      lazy.activity('lazyAct', { handler: () => 1 });
      lazy.durableClient.http('lazyHttp', { route: 'r', methods: ['POST'], authLevel: 'anonymous', handler: () => ({}) });
      lazy.durableClient.eventGrid('lazyGrid', { extraInputs: [extra], handler: () => {} });
      const before = sdkLoaded();
      const df = require('durable-functions');
      df.app.orchestration('sdkOrch', function* () {});
      df.app.activity('sdkAct', { handler: () => 1 });
      df.app.client.http('sdkHttp', { route: 'r', methods: ['POST'], authLevel: 'anonymous', handler: () => ({}) });
      df.app.client.eventGrid('sdkGrid', { extraInputs: [extra], handler: () => {} });
      return { before, pairs: ['Orch', 'Act', 'Http', 'Grid'].map((k) => [bindings('lazy' + k), bindings('sdk' + k)]) };
    `) as { before: boolean; pairs: Array<[unknown[], unknown[]]> };
    expect(result.before).toBe(false);
    for (const [lazy, sdk] of result.pairs) expect(lazy).toEqual(sdk);
    const [orchestration, activity, http, grid] = result.pairs.map(
      ([lazy]) => lazy as Array<{ type: string }>,
    );
    expect(orchestration?.map((b) => b.type)).toEqual(['orchestrationTrigger']);
    expect(activity?.map((b) => b.type)).toEqual(['activityTrigger']);
    expect(http?.map((b) => b.type)).toContain('durableClient');
    expect(grid?.map((b) => b.type).sort()).toEqual(['durableClient', 'eventGridTrigger', 'table']);
  }, 60_000);

  it('load the SDK on the first invocation, not before (the e2e tests run every kind through it)', () => {
    const result = run(`
      lazy.activity('fails', { handler: () => { throw Object.assign(new Error('boom'), { code: 'E_X' }); } });
      const before = sdkLoaded();
      let message;
      try { await registry.get('fails').callback({ triggerMetadata: {} }, { invocationId: 'i', functionName: 'fails' }); }
      catch (error) { message = String(error.message); }
      return { before, after: sdkLoaded(), message };
    `) as { before: boolean; after: boolean; message: string };
    expect(result.before).toBe(false);
    expect(result.after).toBe(true);
    expect(result.message).toContain('boom');
  }, 60_000);
});
