/** Routing, access control, input validation and error mapping of the Durable HTTP routes, over raw HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DurableError } from '../../../devhost/durable/management.js';
import { createDurableRoutes, isLoopbackAddress } from '../../../devhost/durable/management-http.js';
import type { HostRequest } from '../../../devhost/http/types.js';
import { FakeDurableManagement } from '../../fakes/fake-durable-management.js';
import { JSON_HEADERS, startHarness } from './http-helpers.js';
import type { Harness } from './http-helpers.js';

let h: Harness & { reset(): void };
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());
beforeEach(() => h.reset());

const errorCode = (json: unknown) => (json as { error?: { code?: string } }).error?.code;

describe('bad input is rejected before the engine is touched', () => {
  it('malformed JSON on start → 400 and nothing started', async () => {
    const res = await h.send('POST', '/durabletask/orchestrators/hello', {
      body: '{"name":',
      headers: JSON_HEADERS,
    });
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-json');
    expect((res.json as { error: { message: string } }).error.message).toMatch(/not valid JSON/);
    expect(h.fake.callsTo('start')).toEqual([]);
    expect(h.fake.instances.size).toBe(0);
  });

  it('malformed JSON on the public start endpoint → 400 and nothing started', async () => {
    const res = await h.send('POST', '/runtime/webhooks/durabletask/orchestrators/hello/x1', {
      body: 'nope',
    });
    expect(res.status).toBe(400);
    expect(h.fake.calls).toEqual([]);
  });

  it('malformed JSON on raiseEvent → 400 and no event raised', async () => {
    h.fake.put({ instanceId: 'a' });
    const res = await h.send('POST', '/durabletask/instances/a/raiseEvent/go', {
      body: '{',
      headers: JSON_HEADERS,
    });
    expect(res.status).toBe(400);
    expect(h.fake.callsTo('raiseEvent')).toEqual([]);
  });

  it.each([
    ['too long', 'x'.repeat(257)],
    ['control character', 'a%01b'],
    ['encoded slash', 'a%2Fb'],
    ['backslash', 'a%5Cb'],
    ['hash', 'a%23b'],
    ['question mark', 'a%3Fb'],
  ])('instance id with %s → 400', async (_label, id) => {
    const paths = [
      ['POST', `/durabletask/orchestrators/hello/${id}`],
      ['GET', `/durabletask/instances/${id}`],
      ['DELETE', `/durabletask/instances/${id}`],
      ['POST', `/runtime/webhooks/durabletask/instances/${id}/terminate`],
      ['POST', `/durabletask/instances/${id}/raiseEvent/go`],
    ] as const;
    for (const [method, path] of paths) {
      const res = await h.send(method, path, { body: '1', headers: JSON_HEADERS });
      expect(res.status, `${method} ${path}`).toBe(400);
      expect(errorCode(res.json)).toBe('invalid-instance-id');
    }
    expect(h.fake.calls).toEqual([]);
  });

  it('empty instance id → 400', async () => {
    const res = await h.send('POST', '/durabletask/instances//terminate');
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-instance-id');
  });

  it('accepts a 256-character id', async () => {
    const res = await h.send('POST', `/durabletask/orchestrators/hello/${'x'.repeat(256)}`);
    expect(res.status).toBe(202);
  });

  it.each(['a%00', 'a%2Fb', 'x'.repeat(257)])('event name %s → 400', async (name) => {
    h.fake.put({ instanceId: 'a' });
    const res = await h.send('POST', `/durabletask/instances/a/raiseEvent/${name}`, {
      body: '1',
      headers: JSON_HEADERS,
    });
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-event-name');
    expect(h.fake.callsTo('raiseEvent')).toEqual([]);
  });

  it.each([
    ['GET', '/durabletask/instances/?createdTimeFrom=yesterday'],
    ['GET', '/durabletask/instances/?createdTimeTo=2025-13-01'],
    ['GET', '/runtime/webhooks/durabletask/instances?createdTimeFrom=2025-02-31'],
    ['DELETE', '/durabletask/instances/?createdTimeFrom=12345'],
    ['DELETE', '/durabletask/instances/?createdTimeFrom=2025-01-01&createdTimeTo=soon'],
  ])('bad date %s %s → 400', async (method, path) => {
    const res = await h.send(method, path);
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-date');
    expect(h.fake.callsTo('list')).toEqual([]);
    expect(h.fake.callsTo('purgeBy')).toEqual([]);
  });

  it.each([
    '/durabletask/instances/?runtimeStatus=Running,Sleeping',
    '/durabletask/instances/?top=0',
    '/durabletask/instances/?top=ten',
    '/durabletask/instances/a?showHistory=yes',
  ])('bad query %s → 400', async (path) => {
    h.fake.put({ instanceId: 'a' });
    const res = await h.send('GET', path);
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-query');
  });

  it('bad percent-encoding in the path → 400', async () => {
    const res = await h.send('GET', '/durabletask/instances/%E0%A4%A');
    expect(res.status).toBe(400);
    expect(errorCode(res.json)).toBe('invalid-path');
  });

  it('a different task hub → 400; the same hub in another case is fine', async () => {
    h.fake.put({ instanceId: 'a' });
    const other = await h.send('POST', '/durabletask/instances/a/raiseEvent/go?taskHub=Other&connection=C2');
    expect(other.status).toBe(400);
    expect(errorCode(other.json)).toBe('unknown-task-hub');
    const same = await h.send('GET', '/durabletask/instances/a?taskHub=devhub&connection=Storage');
    expect(same.status).toBe(202);
  });
});

describe('routing', () => {
  it.each([
    ['GET', '/durabletask'],
    ['GET', '/durabletask/nothing'],
    ['POST', '/durabletask/orchestrators'],
    ['POST', '/durabletask/orchestrators/hello/id/extra'],
    ['POST', '/durabletask/instances/a/explode'],
    ['POST', '/durabletask/instances/a/raiseEvent'],
    ['POST', '/durabletask/instances/a/b/c/d'],
    ['POST', '/durabletask/instances/a/terminate/now'],
    ['GET', '/runtime/webhooks/durabletask'],
    ['GET', '/runtime/webhooks/durabletask/unknown'],
  ])('%s %s → 404 JSON error', async (method, path) => {
    const res = await h.send(method, path);
    expect(res.status).toBe(404);
    expect(errorCode(res.json)).toBe('route-not-found');
  });

  it.each([
    ['GET', '/durabletask/orchestrators/hello', 'POST'],
    ['PUT', '/durabletask/instances/a', 'GET, DELETE'],
    ['PATCH', '/runtime/webhooks/durabletask/instances', 'GET, DELETE'],
    ['GET', '/durabletask/instances/a/terminate', 'POST'],
    ['GET', '/durabletask/instances/a/rewind', 'POST'],
    ['DELETE', '/durabletask/instances/a/restart', 'POST'],
    ['GET', '/durabletask/instances/a/raiseEvent/go', 'POST'],
  ])('%s %s → 405 with Allow', async (method, path, allow) => {
    const res = await h.send(method, path);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(errorCode(res.json)).toBe('method-not-allowed');
    expect(h.fake.calls).toEqual([]);
  });

  it.each([
    ['GET', '/durabletask/entities/counter/k1'],
    ['POST', '/durabletask/entities/counter/k1?op=add'],
    ['DELETE', '/runtime/webhooks/durabletask/entities/counter/k1'],
  ])('%s %s → 501', async (method, path) => {
    const res = await h.send(method, path, { body: '5', headers: JSON_HEADERS });
    expect(res.status).toBe(501);
    expect(res.json).toEqual({
      error: { code: 'entities-not-supported', message: 'entities are not supported by the dev host' },
    });
  });

  it('operation names are case-insensitive', async () => {
    h.fake.put({ instanceId: 'a' });
    expect((await h.send('POST', '/durabletask/Instances/a/TERMINATE?reason=x')).status).toBe(202);
    expect(h.fake.callsTo('terminate')).toEqual([['a', 'x']]);
  });

  it('leaves other paths to other routes', async () => {
    const routes = createDurableRoutes(new FakeDurableManagement());
    const request: HostRequest = {
      method: 'GET',
      url: new URL('http://localhost/api/durabletask/instances'),
      origin: 'http://localhost',
      headers: {},
      body: Buffer.alloc(0),
      remoteAddress: '127.0.0.1',
    };
    for (const route of routes) expect(await route(request)).toBeUndefined();
    const lookalike = { ...request, url: new URL('http://localhost/durabletaskx/instances') };
    for (const route of routes) expect(await route(lookalike)).toBeUndefined();
  });
});

describe('access control', () => {
  const rpcRequest = (remoteAddress: string | undefined): HostRequest => ({
    method: 'GET',
    url: new URL('http://devhost:7071/durabletask/instances/'),
    origin: 'http://devhost:7071',
    headers: {},
    body: Buffer.alloc(0),
    ...(remoteAddress === undefined ? {} : { remoteAddress }),
  });

  it('the RPC API answers loopback callers only (403 otherwise, also when the address is unknown)', async () => {
    const [rpc] = createDurableRoutes(new FakeDurableManagement());
    expect((await rpc?.(rpcRequest('127.0.0.1')))?.status).toBe(200);
    expect((await rpc?.(rpcRequest('::ffff:127.0.0.1')))?.status).toBe(200);
    expect((await rpc?.(rpcRequest('::1')))?.status).toBe(200);
    expect((await rpc?.(rpcRequest('10.0.0.5')))?.status).toBe(403);
    expect((await rpc?.(rpcRequest('::ffff:192.168.1.2')))?.status).toBe(403);
    expect((await rpc?.(rpcRequest(undefined)))?.status).toBe(403);
  });

  it('recognises loopback addresses', () => {
    expect(isLoopbackAddress('127.1.2.3')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
    expect(isLoopbackAddress('::2')).toBe(false);
  });

  it('with a system key the public API needs code= (or the master key); the RPC API does not', async () => {
    const keyed = await startHarness({ systemKey: 'sys-key', masterKey: 'master-key' });
    try {
      keyed.fake.put({ instanceId: 'a', runtimeStatus: 'Completed' });
      const base = '/runtime/webhooks/durabletask/instances/a';
      expect((await keyed.send('GET', base)).status).toBe(401);
      expect(errorCode((await keyed.send('GET', `${base}?code=wrong`)).json)).toBe('unauthorized');
      expect((await keyed.send('GET', `${base}?code=sys-key`)).status).toBe(200);
      expect((await keyed.send('GET', `${base}?code=master-key`)).status).toBe(200);
      expect((await keyed.send('GET', base, { headers: { 'x-functions-key': 'master-key' } })).status).toBe(
        200,
      );
      expect((await keyed.send('GET', '/durabletask/instances/a')).status).toBe(200);
      const started = await keyed.send(
        'POST',
        '/runtime/webhooks/durabletask/orchestrators/hello?code=sys-key',
      );
      expect((started.json as { statusQueryGetUri: string }).statusQueryGetUri).toMatch(/&code=sys-key$/);
      expect(keyed.fake.callsTo('start')).toHaveLength(1);
      await keyed.send('POST', '/runtime/webhooks/durabletask/orchestrators/hello');
      expect(keyed.fake.callsTo('start')).toHaveLength(1);
    } finally {
      await keyed.server.close();
    }
  });
});

describe('engine errors', () => {
  it.each([
    [new DurableError('instance-exists', 'taken'), 409],
    [new DurableError('store-failure', 'disk full'), 500],
    [new DurableError('entities-not-supported', 'no'), 501],
    [new Error('kaput'), 500],
  ])('%s → %i JSON error', async (err, status) => {
    h.fake.failWith = err;
    const res = await h.send('GET', '/durabletask/instances/a');
    expect(res.status).toBe(status);
    expect((res.json as { error: { message: string } }).error.message).toContain(err.message);
  });
});
