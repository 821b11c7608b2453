import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionHost, type RunningFunctionHost } from '../../../devhost/function-host.js';
import { adminTriggerInput, createAdminRoute } from '../../../devhost/http/admin.js';
import type { InvokeResult } from '../../../devhost/functions/types.js';
import { basicState, fixtureApp, ManualClock, memoryLogger } from '../host-test-helpers.js';

const logger = memoryLogger();
let host: RunningFunctionHost;
/** Every invocation the admin API started in the background, so tests can await it. */
const started: Promise<InvokeResult>[] = [];

beforeAll(async () => {
  host = await startFunctionHost({
    appDir: fixtureApp('basic'),
    port: 0,
    clock: new ManualClock('2025-03-01T00:00:00Z'),
    logger,
    env: { FIXTURE_SCHEDULE: '0 0 * * * *' },
    timers: false,
  });
  const invoke = host.invoker.invoke.bind(host.invoker);
  host.invoker.invoke = (...args) => {
    const promise = invoke(...args);
    started.push(promise);
    return promise;
  };
});
afterAll(() => host.close());

const invoke = (name: string, body: string | undefined) =>
  fetch(`${host.url}/admin/functions/${name}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });

describe('admin API', () => {
  it('lists registered functions with trigger, route and methods', async () => {
    const res = await fetch(`${host.url}/admin/functions`);
    expect(res.status).toBe(200);
    const { functions } = (await res.json()) as { functions: Record<string, unknown>[] };
    expect(functions.find((f) => f.name === 'items')).toEqual({
      name: 'items',
      trigger: 'httpTrigger',
      route: 'api/items/{id:int}/{tag?}',
      methods: ['GET', 'DELETE'],
      authLevel: 'anonymous',
      url: `${host.url}/api/items/{id:int}/{tag?}`,
    });
    expect(functions.find((f) => f.name === 'tick')).toEqual({
      name: 'tick',
      trigger: 'timerTrigger',
      schedule: '%FIXTURE_SCHEDULE%',
    });
    const names = functions.map((f) => String(f.name));
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(host.functions().length).toBe(functions.length);
  });

  it('invokes a non-HTTP function in the background with the input parsed for its trigger', async () => {
    const res = await invoke('queueish', JSON.stringify({ input: '{"n":1}' }));
    expect(res.status).toBe(202);
    await started.at(-1);
    expect(basicState().generic.at(-1)).toEqual({ n: 1 });
    await invoke('queueish', JSON.stringify({ input: 'plain text' }));
    await started.at(-1);
    expect(basicState().generic.at(-1)).toBe('plain text');
  });

  it('hands Event Grid functions the parsed event and timer functions a TimerInfo', async () => {
    await invoke('onEvent', JSON.stringify({ input: JSON.stringify({ id: 'adm', data: { a: 1 } }) }));
    await started.at(-1);
    expect(basicState().events.at(-1)).toEqual({
      event: { id: 'adm', data: { a: 1 } },
      triggerMetadata: { data: { a: 1 } },
    });
    await invoke('tick', JSON.stringify({ input: '' }));
    await started.at(-1);
    expect(basicState().timers.at(-1)).toEqual({
      schedule: { adjustForDST: true },
      scheduleStatus: null,
      isPastDue: false,
    });
  });

  it('logs background failures', async () => {
    await invoke('onEvent', JSON.stringify({ input: JSON.stringify({ id: 'bad', subject: 'fail' }) }));
    // The route attached its catch handler first, so it has run once this one does.
    await started.at(-1)?.catch(() => undefined);
    expect(
      logger.lines.some(
        (l) => l.text.includes('onEvent (admin invoke) failed') && l.text.includes('event bad failed'),
      ),
    ).toBe(true);
  });

  it('answers 400 for a missing or malformed body, HTTP triggers and Durable triggers', async () => {
    expect((await invoke('queueish', undefined)).status).toBe(400);
    expect((await invoke('queueish', '{oops')).status).toBe(400);
    expect((await invoke('queueish', '[1]')).status).toBe(400);
    expect((await invoke('hello', '{"input":""}')).status).toBe(400);
    expect((await invoke('orch', '{"input":""}')).status).toBe(400);
  });

  it('answers 404 for an unknown function and 405 for other methods', async () => {
    const res = await invoke('missing', '{"input":""}');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: { code: 'function-not-found', message: "cannot find function: 'missing'" },
    });
    expect((await fetch(`${host.url}/admin/functions/queueish`)).status).toBe(405);
    expect((await fetch(`${host.url}/admin/functions`, { method: 'DELETE' })).status).toBe(405);
  });

  it('requires the master key when keys are configured', async () => {
    const route = createAdminRoute({
      invoker: host.invoker,
      routePrefix: 'api',
      keys: { master: 'm', host: ['h'] },
    });
    const request = (headers: Record<string, string>) => {
      const url = new URL('http://h/admin/functions');
      return { method: 'GET', url, origin: url.origin, headers, body: Buffer.alloc(0) };
    };
    expect((await route(request({ 'x-functions-key': 'h' })))?.status).toBe(401);
    expect((await route(request({ 'x-functions-key': 'm' })))?.status).toBe(200);
  });

  it('passes non-string input values through unchanged', () => {
    const fn = host.invoker.get('queueish');
    if (!fn) throw new Error('missing');
    expect(adminTriggerInput(fn, { a: 1 })).toEqual({ value: { a: 1 } });
  });
});
