/**
 * Drives the Durable HTTP surfaces with the real `durable-functions` client (rpcBaseUrl mode), through
 * real HTTP, to prove every SDK call of devhost-contract 4.2 gets the answers the SDK expects.
 */
import { HttpRequest, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildClientData } from '../../../devhost/durable/client-data.js';
import { EventType } from '../../../devhost/durable/types.js';
import type { FakeDurableManagement } from '../../fakes/fake-durable-management.js';
import type { RouteServer } from '../../fakes/route-server.js';
import { startHarness } from './http-helpers.js';
import type { Harness } from './http-helpers.js';

let h: Harness & { reset(): void };
let fake: FakeDurableManagement;
let server: RouteServer;
let client: df.DurableClient;
const savedHostname = process.env.WEBSITE_HOSTNAME;

beforeAll(async () => {
  h = await startHarness();
  server = h.server;
});

afterAll(async () => {
  await server.close();
  if (savedHostname === undefined) delete process.env.WEBSITE_HOSTNAME;
  else process.env.WEBSITE_HOSTNAME = savedHostname;
});

beforeEach(() => {
  h.reset();
  fake = h.fake;
  // Pitfall 11: without it getClient rewrites every link to http://localhost:7071.
  process.env.WEBSITE_HOSTNAME = `localhost:${server.port}`;
  const ctx = new InvocationContext({
    invocationId: 'x',
    functionName: 'f',
    options: {
      trigger: { type: 'httpTrigger', name: 'req' } as never,
      extraInputs: [df.input.durableClient()],
      extraOutputs: [],
    },
  });
  // The configured origin is deliberately not the server's: links must follow the request's origin.
  ctx.extraInputs.set(
    df.input.durableClient(),
    buildClientData({
      origin: 'http://devhost.invalid:7071',
      taskHubName: 'DevHub',
      rpcBaseUrl: `${server.origin}/durabletask/`,
    }),
  );
  client = df.getClient(ctx);
});

const historyOf = (instanceId: string) => [
  {
    EventType: EventType.OrchestratorStarted,
    EventId: -1,
    IsPlayed: true,
    Timestamp: '2025-01-01T00:00:01.000Z',
  },
  {
    EventType: EventType.ExecutionStarted,
    EventId: -1,
    IsPlayed: true,
    Timestamp: '2025-01-01T00:00:01.000Z',
    Name: 'hello',
    Input: '{"name":"Ada"}',
    OrchestrationInstance: { InstanceId: instanceId, ExecutionId: 'e1' },
  },
  {
    EventType: EventType.TaskScheduled,
    EventId: 0,
    IsPlayed: true,
    Timestamp: '2025-01-01T00:00:02.000Z',
    Name: 'greet',
    Input: '"Ada"',
  },
  {
    EventType: EventType.TaskCompleted,
    EventId: -1,
    IsPlayed: false,
    Timestamp: '2025-01-01T00:00:03.000Z',
    TaskScheduledId: 0,
    Result: '"Hello, Ada!"',
  },
];

describe('DurableClient.startNew', () => {
  it('starts without id, input or version', async () => {
    const id = await client.startNew('hello');
    expect(fake.instances.get(id)?.runtimeStatus).toBe('Pending');
    // axios JSON-encodes the SDK's "" body, so "no input" arrives as the JSON text "" (as in Azure).
    expect(fake.callsTo('start')).toEqual([[{ name: 'hello', input: '""' }]]);
  });

  it('passes id, JSON input and version', async () => {
    const id = await client.startNew('hello', {
      instanceId: 'my-id',
      input: { name: 'Ada' },
      version: '1.0',
    });
    expect(id).toBe('my-id');
    expect(fake.callsTo('start')).toEqual([
      [{ name: 'hello', instanceId: 'my-id', input: '{"name":"Ada"}', version: '1.0' }],
    ]);
    await client.startNew('hello', { input: 'plain string' });
    expect(fake.callsTo('start')[1]?.[0]).toMatchObject({ input: '"plain string"' });
  });

  it('rejects unknown orchestrators (400) and taken ids (409)', async () => {
    await expect(client.startNew('nope')).rejects.toThrow(/status code: 400/);
    await client.startNew('hello', { instanceId: 'dup' });
    await expect(client.startNew('hello', { instanceId: 'dup' })).rejects.toThrow(/status code: 409/);
  });
});

describe('DurableClient.getStatus*', () => {
  it('returns the status with parsed fields and both history keys', async () => {
    fake.put({ instanceId: 'a', input: '{"name":"Ada"}', customStatus: '{"stage":"waiting"}' });
    fake.histories.set('a', historyOf('a'));
    const plain = await client.getStatus('a');
    expect(plain).toMatchObject({ name: 'hello', instanceId: 'a', runtimeStatus: 'Running', output: null });
    expect(plain.input).toEqual({ name: 'Ada' });
    expect(plain.customStatus).toEqual({ stage: 'waiting' });
    expect(plain.history).toBeUndefined();

    const full = await client.getStatus('a', {
      showHistory: true,
      showHistoryOutput: true,
      showInput: false,
    });
    expect(full.input).toEqual({ name: 'Ada' });
    expect(full.history).toEqual([
      {
        EventType: 'ExecutionStarted',
        Timestamp: '2025-01-01T00:00:01.000Z',
        FunctionName: 'hello',
        Input: { name: 'Ada' },
      },
      {
        EventType: 'TaskCompleted',
        Timestamp: '2025-01-01T00:00:03.000Z',
        FunctionName: 'greet',
        ScheduledTime: '2025-01-01T00:00:02.000Z',
        Input: 'Ada',
        Result: 'Hello, Ada!',
      },
    ]);
  });

  it('rejects unknown instances with the SDK 404 message', async () => {
    await expect(client.getStatus('ghost')).rejects.toThrow(/HTTP 404/);
  });

  it('getStatusAll follows the continuation token across 3 pages and stops', async () => {
    for (const id of ['i1', 'i2', 'i3', 'i4', 'i5']) fake.put({ instanceId: id });
    const all = await client.getStatusAll();
    expect(all.map((s) => s.instanceId)).toEqual(['i1', 'i2', 'i3', 'i4', 'i5']);
    expect(
      fake.callsTo('list').map(([q]) => (q as { continuationToken?: string }).continuationToken),
    ).toEqual([undefined, '2', '4']);
  });

  it('getStatusBy sends the filter and pages too', async () => {
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r5']) fake.put({ instanceId: id });
    fake.put({ instanceId: 'done', runtimeStatus: 'Completed' });
    const found = await client.getStatusBy({
      createdTimeFrom: new Date('2025-01-01T00:00:00Z'),
      createdTimeTo: new Date('2025-01-02T00:00:00Z'),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Running, df.OrchestrationRuntimeStatus.Pending],
    });
    expect(found.map((s) => s.instanceId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    const queries = fake.callsTo('list').map(([q]) => q);
    expect(queries).toHaveLength(3);
    expect(queries[2]).toEqual({
      createdTimeFrom: '2025-01-01T00:00:00.000Z',
      createdTimeTo: '2025-01-02T00:00:00.000Z',
      runtimeStatus: ['Running', 'Pending'],
      continuationToken: '4',
    });
  });
});

describe('DurableClient instance operations', () => {
  it('raiseEvent delivers JSON data, no data, and treats finished instances as done', async () => {
    fake.put({ instanceId: 'a' });
    fake.put({ instanceId: 'old', runtimeStatus: 'Completed' });
    await client.raiseEvent('a', 'approve', true);
    await client.raiseEvent('a', 'ping', undefined);
    await client.raiseEvent('old', 'approve', { ok: 1 });
    expect(fake.callsTo('raiseEvent')).toEqual([
      ['a', 'approve', 'true'],
      ['a', 'ping', undefined],
      ['old', 'approve', '{"ok":1}'],
    ]);
    await expect(client.raiseEvent('ghost', 'approve', 1)).rejects.toThrow(
      "No instance with ID 'ghost' found.",
    );
  });

  it('terminate, suspend and resume pass the reason and change the status', async () => {
    fake.put({ instanceId: 'a' });
    await client.suspend('a', 'pause');
    expect(fake.instances.get('a')?.runtimeStatus).toBe('Suspended');
    await client.resume('a', 'go');
    expect(fake.instances.get('a')?.runtimeStatus).toBe('Running');
    await client.terminate('a', 'user asked');
    expect((await client.getStatus('a')).output).toBe('user asked');
    await client.terminate('a', 'again'); // 410 resolves
    expect(fake.callsTo('terminate')).toEqual([
      ['a', 'user asked'],
      ['a', 'again'],
    ]);
    expect(fake.callsTo('suspend')).toEqual([['a', 'pause']]);
    await expect(client.terminate('ghost', 'x')).rejects.toThrow(/No instance/);
    await expect(client.suspend('ghost', 'x')).rejects.toThrow(/No instance/);
    await expect(client.resume('ghost', 'x')).rejects.toThrow(/No instance/);
  });

  it('rewind accepts failed instances and rejects the rest', async () => {
    fake.put({ instanceId: 'f', runtimeStatus: 'Failed' });
    fake.put({ instanceId: 'r' });
    await client.rewind('f', 'retry it');
    expect(fake.callsTo('rewind')).toEqual([['f', 'retry it']]);
    await expect(client.rewind('r', 'x')).rejects.toThrow();
    await expect(client.rewind('ghost', 'x')).rejects.toThrow();
  });

  it('purges one instance and by filter', async () => {
    fake.put({ instanceId: 'done', runtimeStatus: 'Completed' });
    expect(await client.purgeInstanceHistory('done')).toEqual({ instancesDeleted: 1 });
    expect(await client.purgeInstanceHistory('done')).toEqual({ instancesDeleted: 0 });
    fake.put({ instanceId: 'c1', runtimeStatus: 'Completed' });
    fake.put({ instanceId: 'c2', runtimeStatus: 'Failed' });
    fake.put({ instanceId: 'run' });
    const filter = {
      createdTimeFrom: new Date('2024-01-01T00:00:00Z'),
      runtimeStatus: [df.OrchestrationRuntimeStatus.Completed, df.OrchestrationRuntimeStatus.Failed],
    };
    expect(await client.purgeInstanceHistoryBy(filter)).toEqual({ instancesDeleted: 2 });
    expect(await client.purgeInstanceHistoryBy(filter)).toEqual({ instancesDeleted: 0 });
    expect([...fake.instances.keys()]).toEqual(['run']);
  });
});

describe('check-status responses', () => {
  it('createCheckStatusResponse links use the request origin and work over HTTP', async () => {
    fake.put({ instanceId: 'a b', output: null });
    const request = new HttpRequest({ method: 'POST', url: `${server.origin}/api/start` });
    const response = client.createCheckStatusResponse(request, 'a b');
    expect(response.status).toBe(202);
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body)).toHaveLength(9);
    expect(body.statusQueryGetUri).toBe(
      `${server.origin}/runtime/webhooks/durabletask/instances/a b?taskHub=DevHub&connection=Storage`,
    );
    const running = await fetch(body.statusQueryGetUri ?? '');
    expect(running.status).toBe(202);
    expect(running.headers.get('retry-after')).toBe('5');
    expect(running.headers.get('location')).toBe(
      `${server.origin}/runtime/webhooks/durabletask/instances/a%20b?taskHub=DevHub&connection=Storage`,
    );
    fake.setStatus('a b', 'Completed', '{"ok":true}');
    const done = await fetch(body.statusQueryGetUri ?? '');
    expect(done.status).toBe(200);
    expect(await done.json()).toMatchObject({ runtimeStatus: 'Completed', output: { ok: true } });
  });

  it('waitForCompletionOrCreateCheckStatusResponse returns the output of a completed instance', async () => {
    fake.onStart = (state) => fake.setStatus(state.instanceId, 'Completed', '"Hello, Ada!"');
    const id = await client.startNew('hello', { input: 'Ada' });
    const request = new HttpRequest({ method: 'POST', url: `${server.origin}/api/start` });
    const response = await client.waitForCompletionOrCreateCheckStatusResponse(request, id);
    expect(response.status).toBe(200);
    expect(await response.json()).toBe('Hello, Ada!');
  });

  it('waitForCompletionOrCreateCheckStatusResponse falls back to 202 while running', async () => {
    fake.put({ instanceId: 'slow' });
    const request = new HttpRequest({ method: 'POST', url: `${server.origin}/api/start` });
    const response = await client.waitForCompletionOrCreateCheckStatusResponse(request, 'slow', {
      timeoutInMilliseconds: 0,
      retryIntervalInMilliseconds: 0,
    });
    expect(response.status).toBe(202);
  });
});
