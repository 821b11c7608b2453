import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionHost, type RunningFunctionHost } from '../../../devhost/function-host.js';
import { Registry, uninstall } from '../../../devhost/functions/core-module.js';
import { Invoker, loadFunctionsModule } from '../../../devhost/functions/invoker.js';
import { loadApp } from '../../../devhost/functions/loader.js';
import {
  createHttpTriggerRoute,
  serializeCookie,
  stripRoutePrefix,
  toHostResponse,
} from '../../../devhost/http/http-trigger.js';
import type { HostRequest } from '../../../devhost/http/types.js';
import { fixtureApp, ManualClock, memoryLogger } from '../host-test-helpers.js';

const logger = memoryLogger();
let host: RunningFunctionHost;
let base: string;

beforeAll(async () => {
  host = await startFunctionHost({
    appDir: fixtureApp('basic'),
    port: 0,
    clock: new ManualClock('2025-01-01T00:00:00Z'),
    logger,
    env: {},
    timers: false,
  });
  base = `${host.url}/api`;
});
afterAll(() => host.close());

const json = async (res: Response) => (await res.json()) as Record<string, unknown>;

describe('HTTP triggers', () => {
  it('serves a route defaulting to the function name, with query values', async () => {
    const res = await fetch(`${base}/hello?name=Ada&name=Bob`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ hello: 'Ada', all: ['Ada', 'Bob'] });
  });

  it('binds route parameters, optional ones and constraints; prefers literals', async () => {
    expect(await json(await fetch(`${base}/items/42`))).toEqual({ params: { id: '42' }, method: 'GET' });
    expect(await json(await fetch(`${base}/items/42/red`))).toEqual({
      params: { id: '42', tag: 'red' },
      method: 'GET',
    });
    expect(await (await fetch(`${base}/items/new`)).text()).toBe('literal wins');
    expect(await (await fetch(`${base}/items/abc`)).text()).toBe('name abc');
    expect(await json(await fetch(`${base}/files/a/b%20c.txt`))).toEqual({ path: 'a/b c.txt' });
    expect(await json(await fetch(`${base}/files`))).toEqual({ path: null });
    expect(await json(await fetch(`${base}/download/a.tar.gz`))).toEqual({ name: 'a.tar', ext: 'gz' });
    const typed = await fetch(`${base}/typed/0f8fad5b-d9cb-469f-a165-70867728950e/true/abc/1.5/xyz`);
    expect(await typed.json()).toMatchObject({ flag: 'true', word: 'abc', d: '1.5', code: 'xyz' });
    expect((await fetch(`${base}/typed/nope/true/abc/1.5/xyz`)).status).toBe(404);
  });

  it('answers 405 with Allow when only the method is wrong', async () => {
    const res = await fetch(`${base}/items/42`, { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('DELETE, GET');
    expect(await json(await fetch(`${base}/items/42`, { method: 'DELETE' }))).toMatchObject({
      method: 'DELETE',
    });
  });

  it('passes raw and binary bodies and headers, and the external URL', async () => {
    const bytes = Buffer.from([0, 1, 2, 254, 255]);
    const res = await fetch(`${base}/echo?x=1`, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/x-thing', 'x-custom': 'yes' },
    });
    expect(res.status).toBe(201);
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
    expect(res.headers.get('x-method')).toBe('PUT');
    expect(res.headers.get('x-custom')).toBe('yes');
    expect(res.headers.get('x-url')).toBe(`${base}/echo?x=1`);
    expect(res.headers.get('content-type')).toBe('application/x-thing');
  });

  it('parses JSON bodies', async () => {
    const res = await fetch(`${base}/json`, { method: 'POST', body: JSON.stringify({ a: [1, 2] }) });
    expect(await res.json()).toEqual({ received: { a: [1, 2] } });
  });

  it('writes HttpResponse status, headers, body and cookies as Set-Cookie', async () => {
    const res = await fetch(`${base}/response`);
    expect(res.status).toBe(202);
    expect(res.headers.get('x-kind')).toBe('HttpResponse');
    expect(await res.text()).toBe('accepted');
    expect(res.headers.getSetCookie()).toEqual([
      'session=a%20b; Domain=example.test; Path=/; Expires=Tue, 01 Jan 2030 00:00:00 GMT; Max-Age=60; Secure; HttpOnly; SameSite=Lax',
      'theme=dark',
    ]);
  });

  it('answers 200 with an empty body when the handler returns undefined', async () => {
    const res = await fetch(`${base}/empty`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('answers a generic 500 when the handler throws and logs the real error', async () => {
    const res = await fetch(`${base}/boom`, { method: 'POST' });
    expect(res.status).toBe(500);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { invocationId: string } };
    };
    expect(body.error).toMatchObject({ code: 'function-failed', message: 'Function boom failed' });
    expect(JSON.stringify(body)).not.toContain('secret failure detail');
    const line = logger.lines.find(
      (l) => l.level === 'error' && l.text.includes(body.error.details.invocationId),
    );
    expect(line?.text).toMatch(/Function boom failed \(Id=.*\): Error: secret failure detail\n\s+at /);
  });

  it('answers 500 for a missing input provider', async () => {
    expect((await fetch(`${base}/needs-blob`)).status).toBe(500);
    expect(logger.lines.some((l) => l.text.includes('cannot provide'))).toBe(true);
  });

  it('rejects a non-object HTTP result like the library does', async () => {
    await expect(toHostResponse(host.invoker.sdk, 'text')).rejects.toThrow(/must be an object/);
    expect((await toHostResponse(host.invoker.sdk, { jsonBody: [1] })).headers).toEqual({
      'content-type': 'application/json',
    });
  });

  it('applies pre/post invocation hooks', async () => {
    expect(await json(await fetch(`${base}/hooked`))).toEqual({ wrapped: { handler: true }, post: 'pre' });
    const swallowed = await fetch(`${base}/swallowed`);
    expect(swallowed.status).toBe(299);
    expect(await swallowed.text()).toBe('swallowed: handled by hook');
  });

  it('does not enforce keys when none are configured', async () => {
    expect((await fetch(`${base}/keyed`)).status).toBe(200);
    expect((await fetch(`${base}/admin-only`)).status).toBe(200);
  });

  it('leaves paths outside the prefix to other routes (404)', async () => {
    expect((await fetch(`${host.url}/hello`)).status).toBe(404);
    expect((await fetch(`${base}/not-a-function`)).status).toBe(404);
  });
});

describe('HTTP trigger route with keys and other prefixes', () => {
  const registry = new Registry();
  let route: ReturnType<typeof createHttpTriggerRoute>;
  let invoker: Invoker;
  beforeAll(async () => {
    uninstall();
    await loadApp(fixtureApp('basic'), registry);
    invoker = new Invoker({ registry, sdk: loadFunctionsModule(fixtureApp('basic')) });
    route = createHttpTriggerRoute({
      invoker,
      sdk: invoker.sdk,
      routePrefix: '',
      keys: { master: 'm-key', host: ['h-key'], functions: { Keyed: ['f-key'], other: ['o-key'] } },
    });
  });
  afterAll(() => uninstall(registry));

  const request = (path: string, headers: Record<string, string> = {}): HostRequest => {
    const url = new URL(path, 'http://localhost:1');
    return { method: 'GET', url, origin: url.origin, headers, body: Buffer.alloc(0) };
  };
  const status = async (path: string, headers?: Record<string, string>) =>
    (await route(request(path, headers)))?.status;

  it('enforces function keys (header or code query) and the master key for admin level', async () => {
    expect(await status('/keyed')).toBe(401);
    expect(await status('/keyed?code=wrong')).toBe(401);
    expect(await status('/keyed?code=o-key')).toBe(401);
    expect(await status('/keyed?code=f-key')).toBe(200);
    expect(await status('/keyed', { 'x-functions-key': 'h-key' })).toBe(200);
    expect(await status('/keyed?code=m-key')).toBe(200);
    expect(await status('/admin-only?code=h-key')).toBe(401);
    expect(await status('/admin-only', { 'x-functions-key': 'm-key' })).toBe(200);
    expect(await status('/hello')).toBe(200); // anonymous
    const denied = await route(request('/keyed'));
    expect(JSON.parse(String(denied?.body))).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('serves at the root with an empty prefix and strips custom prefixes case-insensitively', async () => {
    expect(await status('/hello')).toBe(200);
    expect(stripRoutePrefix('/V1/hello', 'v1')).toBe('/hello');
    expect(stripRoutePrefix('/v1', 'v1')).toBe('/');
    expect(stripRoutePrefix('/v10/hello', 'v1')).toBeUndefined();
    expect(stripRoutePrefix('/a/b', '')).toBe('/a/b');
  });

  it('reports a bad route template naming the function', () => {
    const fn = invoker.get('hello');
    if (!fn) throw new Error('missing');
    const broken = { ...fn, name: 'broken', trigger: { ...fn.trigger, route: 'x/{id:nope}' } };
    const fake = { ...invoker, list: () => [broken], get: () => broken };
    expect(() =>
      createHttpTriggerRoute({ invoker: fake as unknown as Invoker, sdk: invoker.sdk, routePrefix: '' }),
    ).toThrow('Function "broken": route "x/{id:nope}": unknown route constraint "nope".');
  });
});

describe('serializeCookie', () => {
  it('emits only the attributes that are set', () => {
    expect(serializeCookie({ name: 'a', value: '1', sameSite: 'None', expires: 0 })).toBe(
      'a=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=None',
    );
  });
});
