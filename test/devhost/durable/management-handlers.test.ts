/** Status codes, headers and bodies of every Durable API operation (devhost-contract 4.2 / 4.3), raw HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EventType } from '../../../devhost/durable/types.js';
import type { RuntimeStatus } from '../../../devhost/durable/types.js';
import { JSON_HEADERS, startHarness } from './http-helpers.js';
import type { Harness } from './http-helpers.js';

let h: Harness & { reset(): void };
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h.server.close());
beforeEach(() => h.reset());

const PUBLIC = '/runtime/webhooks/durabletask';
const errorCode = (json: unknown) => (json as { error?: { code?: string } }).error?.code;

describe('start', () => {
  it('answers 202 with the check-status payload built from the request origin', async () => {
    const res = await h.send('POST', `${PUBLIC}/orchestrators/hello/my%20id?version=2`, {
      body: '{"name":"Ada"}',
      headers: { host: 'public.example:8443' },
    });
    expect(res.status).toBe(202);
    const body = res.json as Record<string, string>;
    expect(body.id).toBe('my id');
    expect(body.statusQueryGetUri).toBe(
      'http://public.example:8443/runtime/webhooks/durabletask/instances/my%20id?taskHub=DevHub&connection=Storage',
    );
    expect(res.headers.location).toBe(body.statusQueryGetUri);
    expect(res.headers['retry-after']).toBe('10');
    expect(h.fake.callsTo('start')).toEqual([
      [{ name: 'hello', instanceId: 'my id', input: '{"name":"Ada"}', version: '2' }],
    ]);
  });

  it('rejects unknown orchestrators with 400 and taken ids with 409', async () => {
    const unknown = await h.send('POST', '/durabletask/orchestrators/nope');
    expect(unknown.status).toBe(400);
    expect(errorCode(unknown.json)).toBe('orchestrator-not-found');
    expect(h.fake.callsTo('start')).toEqual([]);
    h.fake.put({ instanceId: 'taken' });
    const taken = await h.send('POST', '/durabletask/orchestrators/hello/taken');
    expect(taken.status).toBe(409);
    expect(errorCode(taken.json)).toBe('instance-exists');
  });

  it('waits for completion when timeout and pollingInterval are given', async () => {
    h.fake.onStart = (state) => h.fake.setStatus(state.instanceId, 'Completed', '{"greeting":"hi"}');
    const res = await h.send('POST', `${PUBLIC}/orchestrators/hello?timeout=5&pollingInterval=1`);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ greeting: 'hi' });
  });

  it('answers a failed instance with its status (500 when asked) after waiting', async () => {
    h.fake.onStart = (state) => h.fake.setStatus(state.instanceId, 'Failed', '"boom"');
    const ok = await h.send('POST', `${PUBLIC}/orchestrators/hello?timeout=5&pollingInterval=1`);
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({ runtimeStatus: 'Failed', output: 'boom' });
    const failed = await h.send(
      'POST',
      `${PUBLIC}/orchestrators/hello?timeout=5&pollingInterval=1&returnInternalServerErrorOnFailure=true`,
    );
    expect(failed.status).toBe(500);
  });

  it('falls back to the 202 check-status payload when the wait times out', async () => {
    const res = await h.send('POST', `${PUBLIC}/orchestrators/hello/w1?timeout=0.02&pollingInterval=0.01`);
    expect(res.status).toBe(202);
    expect((res.json as { id: string }).id).toBe('w1');
    expect(h.fake.callsTo('getInstance').length).toBeGreaterThanOrEqual(2);
  });

  it('rejects bad wait parameters before starting', async () => {
    for (const query of [
      'timeout=abc&pollingInterval=1',
      'timeout=1&pollingInterval=2',
      'timeout=-1&pollingInterval=0',
      'timeout=1&pollingInterval=1&showHistory=yes',
    ]) {
      const res = await h.send('POST', `${PUBLIC}/orchestrators/hello?${query}`);
      expect(res.status, query).toBe(400);
    }
    expect(h.fake.callsTo('start')).toEqual([]);
  });
});

describe('status', () => {
  it.each<[RuntimeStatus, number]>([
    ['Running', 202],
    ['Pending', 202],
    ['ContinuedAsNew', 202],
    ['Suspended', 202],
    ['Completed', 200],
    ['Terminated', 200],
    ['Canceled', 200],
    ['Failed', 200],
  ])('%s → %i', async (runtimeStatus, status) => {
    h.fake.put({ instanceId: 'a', runtimeStatus });
    const res = await h.send('GET', `${PUBLIC}/instances/a?taskHub=DevHub`, {
      headers: { host: 'ext.example' },
    });
    expect(res.status).toBe(status);
    expect(res.json).toMatchObject({ instanceId: 'a', runtimeStatus, input: null, output: null });
    if (status === 202) {
      expect(res.headers.location).toBe(
        'http://ext.example/runtime/webhooks/durabletask/instances/a?taskHub=DevHub',
      );
      expect(res.headers['retry-after']).toBe('5');
    } else {
      expect(res.headers.location).toBeUndefined();
    }
  });

  it('Failed → 500 with returnInternalServerErrorOnFailure=true', async () => {
    h.fake.put({ instanceId: 'a', runtimeStatus: 'Failed', output: '"boom"' });
    const res = await h.send('GET', `${PUBLIC}/instances/a?returnInternalServerErrorOnFailure=true`);
    expect(res.status).toBe(500);
    expect(res.json).toMatchObject({ output: 'boom' });
  });

  it('honours showHistory, showHistoryOutput and showInput=false', async () => {
    h.fake.put({ instanceId: 'a', input: '"in"', runtimeStatus: 'Completed' });
    h.fake.histories.set('a', [
      {
        EventType: EventType.ExecutionStarted,
        EventId: -1,
        IsPlayed: true,
        Timestamp: 't0',
        Name: 'hello',
        Input: '"in"',
      },
      {
        EventType: EventType.ExecutionCompleted,
        EventId: 1,
        IsPlayed: false,
        Timestamp: 't1',
        Result: '42',
        OrchestrationStatus: 1,
      },
    ]);
    const res = await h.send(
      'GET',
      '/durabletask/instances/a?showHistory=true&showHistoryOutput=true&showInput=false',
    );
    const body = res.json as { input: unknown; history: unknown[]; historyEvents: unknown[] };
    expect(body.input).toBeNull();
    expect(body.historyEvents).toEqual([
      { EventType: 'ExecutionStarted', Timestamp: 't0', FunctionName: 'hello' },
      { EventType: 'ExecutionCompleted', Timestamp: 't1', Result: 42, OrchestrationStatus: 'Completed' },
    ]);
    expect(body.history).toEqual(body.historyEvents);
  });

  it('never reports history for Pending instances', async () => {
    h.fake.put({ instanceId: 'p', runtimeStatus: 'Pending' });
    const res = await h.send('GET', '/durabletask/instances/p?showHistory=true');
    expect(res.json).not.toHaveProperty('historyEvents');
    expect(h.fake.callsTo('getHistory')).toEqual([]);
  });

  it('unknown instance → 404', async () => {
    const res = await h.send('GET', `${PUBLIC}/instances/ghost`);
    expect(res.status).toBe(404);
    expect(errorCode(res.json)).toBe('instance-not-found');
  });
});

describe('list', () => {
  it('sends the continuation header only while more pages remain', async () => {
    for (const id of ['a1', 'a2', 'b1']) h.fake.put({ instanceId: id, input: '1' });
    const first = await h.send('GET', `${PUBLIC}/instances?instanceIdPrefix=a&top=1&showInput=false`);
    expect(first.headers['x-ms-continuation-token']).toBe('1');
    expect(first.json).toEqual([expect.objectContaining({ instanceId: 'a1', input: null })]);
    const last = await h.send('GET', `${PUBLIC}/instances?instanceIdPrefix=a&top=1`, {
      headers: { 'x-ms-continuation-token': '1' },
    });
    expect(last.json).toEqual([expect.objectContaining({ instanceId: 'a2', input: 1 })]);
    expect(last.headers).not.toHaveProperty('x-ms-continuation-token');
    expect(h.fake.callsTo('list')[1]).toEqual([{ instanceIdPrefix: 'a', top: 1, continuationToken: '1' }]);
  });

  it('passes dates (normalised) and runtime statuses', async () => {
    await h.send(
      'GET',
      '/durabletask/instances/?createdTimeFrom=2025-01-01&createdTimeTo=2025-01-02T10:00:00%2B02:00&runtimeStatus=Running&runtimeStatus=Failed,Pending',
    );
    expect(h.fake.callsTo('list')).toEqual([
      [
        {
          createdTimeFrom: '2025-01-01T00:00:00.000Z',
          createdTimeTo: '2025-01-02T08:00:00.000Z',
          runtimeStatus: ['Running', 'Failed', 'Pending'],
        },
      ],
    ]);
  });
});

describe('raiseEvent', () => {
  it('202 for running, 404 unknown, 410 finished', async () => {
    h.fake.put({ instanceId: 'run' });
    h.fake.put({ instanceId: 'done', runtimeStatus: 'Failed' });
    const opts = { body: '{"ok":true}', headers: JSON_HEADERS };
    expect((await h.send('POST', `${PUBLIC}/instances/run/raiseEvent/approve`, opts)).status).toBe(202);
    expect((await h.send('POST', `${PUBLIC}/instances/ghost/raiseEvent/approve`, opts)).status).toBe(404);
    expect((await h.send('POST', `${PUBLIC}/instances/done/raiseEvent/approve`, opts)).status).toBe(410);
    expect(h.fake.callsTo('raiseEvent')[0]).toEqual(['run', 'approve', '{"ok":true}']);
  });

  it('400 unless the content is JSON; an empty body without a type means no data', async () => {
    h.fake.put({ instanceId: 'run' });
    const path = '/durabletask/instances/run/raiseEvent/go';
    const text = await h.send('POST', path, { body: '1', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(400);
    expect(errorCode(text.json)).toBe('unsupported-media-type');
    expect((await h.send('POST', path, { body: '1' })).status).toBe(400);
    expect((await h.send('POST', path, { headers: { 'content-type': 'text/plain' } })).status).toBe(400);
    expect(h.fake.callsTo('raiseEvent')).toEqual([]);
    expect((await h.send('POST', path)).status).toBe(202);
    const charset = { 'content-type': 'Application/JSON; charset=utf-8' };
    expect((await h.send('POST', path, { body: '"x"', headers: charset })).status).toBe(202);
    expect(h.fake.callsTo('raiseEvent')).toEqual([
      ['run', 'go', undefined],
      ['run', 'go', '"x"'],
    ]);
  });
});

describe('terminate / suspend / resume / rewind', () => {
  it.each(['terminate', 'suspend', 'resume'])('%s: 202 / 404 / 410, reason passed', async (op) => {
    h.fake.put({ instanceId: 'run' });
    h.fake.put({ instanceId: 'done', runtimeStatus: 'Completed' });
    expect((await h.send('POST', `${PUBLIC}/instances/run/${op}?reason=because%20I%20said`)).status).toBe(
      202,
    );
    expect((await h.send('POST', `${PUBLIC}/instances/ghost/${op}?reason=x`)).status).toBe(404);
    const gone = await h.send('POST', `/durabletask/instances/done/${op}`);
    expect(gone.status).toBe(410);
    expect(errorCode(gone.json)).toBe('instance-gone');
    expect(h.fake.callsTo(op)).toEqual([
      ['run', 'because I said'],
      ['ghost', 'x'],
      ['done', ''],
    ]);
  });

  it('rewind: 202 failed, 412 running, 410 completed, 404 unknown, 501 unsupported', async () => {
    h.fake.put({ instanceId: 'f', runtimeStatus: 'Failed' });
    h.fake.put({ instanceId: 'r' });
    h.fake.put({ instanceId: 'c', runtimeStatus: 'Completed' });
    expect((await h.send('POST', '/durabletask/instances/f/rewind?reason=again')).status).toBe(202);
    expect((await h.send('POST', '/durabletask/instances/r/rewind')).status).toBe(412);
    expect((await h.send('POST', '/durabletask/instances/c/rewind')).status).toBe(410);
    expect((await h.send('POST', '/durabletask/instances/x/rewind')).status).toBe(404);
    h.fake.rewindSupported = false;
    expect((await h.send('POST', '/durabletask/instances/c/rewind')).status).toBe(501);
  });
});

describe('restart', () => {
  it('restarts with a new id by default, the same id on request, 404 unknown', async () => {
    h.fake.put({ instanceId: 'old', runtimeStatus: 'Completed', input: '"in"' });
    const fresh = await h.send('POST', `${PUBLIC}/instances/old/restart`);
    expect(fresh.status).toBe(202);
    expect((fresh.json as { id: string }).id).toBe('old-restarted');
    const same = await h.send('POST', `${PUBLIC}/instances/old/restart?restartWithNewInstanceId=false`);
    expect((same.json as { id: string }).id).toBe('old');
    expect(h.fake.callsTo('restart')).toEqual([
      ['old', true],
      ['old', false],
    ]);
    expect((await h.send('POST', `${PUBLIC}/instances/ghost/restart`)).status).toBe(404);
    expect(
      (await h.send('POST', `${PUBLIC}/instances/old/restart?restartWithNewInstanceId=maybe`)).status,
    ).toBe(400);
  });

  it('409 when restarting in place over a running instance; waits when asked', async () => {
    h.fake.put({ instanceId: 'run' });
    expect(
      (await h.send('POST', `${PUBLIC}/instances/run/restart?restartWithNewInstanceId=false`)).status,
    ).toBe(409);
    h.fake.onStart = (state) => h.fake.setStatus(state.instanceId, 'Completed', '7');
    const waited = await h.send('POST', `${PUBLIC}/instances/run/restart?timeout=1&pollingInterval=1`);
    expect(waited.status).toBe(200);
    expect(waited.json).toBe(7);
  });
});

describe('purge', () => {
  it('one instance: 200 {instancesDeleted:1}, 404 unknown, 412 while running', async () => {
    h.fake.put({ instanceId: 'done', runtimeStatus: 'Terminated' });
    h.fake.put({ instanceId: 'run' });
    const ok = await h.send('DELETE', `${PUBLIC}/instances/done`);
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ instancesDeleted: 1 });
    expect((await h.send('DELETE', `${PUBLIC}/instances/done`)).status).toBe(404);
    expect((await h.send('DELETE', '/durabletask/instances/run')).status).toBe(412);
    expect(h.fake.callsTo('purge')).toEqual([['done']]);
  });

  it('by filter: 400 without createdTimeFrom, 404 when nothing matched, 200 with the count', async () => {
    h.fake.put({ instanceId: 'c1', runtimeStatus: 'Completed' });
    h.fake.put({ instanceId: 'c2', runtimeStatus: 'Completed' });
    const missing = await h.send('DELETE', `${PUBLIC}/instances?runtimeStatus=Completed`);
    expect(missing.status).toBe(400);
    expect(h.fake.callsTo('purgeBy')).toEqual([]);
    expect((await h.send('DELETE', `${PUBLIC}/instances?createdTimeFrom=2030-01-01`)).status).toBe(404);
    const ok = await h.send(
      'DELETE',
      `/durabletask/instances/?createdTimeFrom=2024-01-01T00:00:00Z&runtimeStatus=Completed`,
    );
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ instancesDeleted: 2 });
  });
});
