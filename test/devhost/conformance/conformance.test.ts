import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type AzuriteHandle } from '../../../devhost/durable/azurite.js';
import { startTestHost, type TestHost } from '../../../devhost/testing.js';
import { HttpDriver, events } from './http-driver.js';

const APP = 'test/fixtures/apps/conformance';

/**
 * The documented Durable Functions patterns, run by the dev host and driven only over HTTP, on both
 * task-hub stores. Expected statuses and outputs are the ones the Durable documentation specifies.
 */
describe.each(['memory', 'table'] as const)('conformance on the %s store', (store) => {
  let azurite: AzuriteHandle | undefined;
  let host: TestHost;
  let d: HttpDriver;

  beforeAll(async () => {
    if (store === 'table') azurite = await startAzurite({ location: undefined });
    host = await startTestHost({ appDir: APP, store, storageConnectionString: azurite?.connectionString });
    d = new HttpDriver(host);
  });
  afterAll(async () => {
    await host?.close();
    await azurite?.stop();
  });

  it('function chaining returns the outputs in order', async () => {
    const res = await host.request('/api/run/sequence', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(['Hello, Tokyo!', 'Hello, Seattle!', 'Hello, London!']);
  });

  it('fan-out/fan-in of 100 activities sums every result', async () => {
    const s = await d.waitForCompletion(await d.start('fanOutFanIn', 100));
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toBe(10100);
    expect(events(s, 'TaskCompleted')).toHaveLength(100);
  });

  it('human interaction: the approval event wins and the timer is cancelled', async () => {
    const links = await d.start('humanInteraction', { timeoutMinutes: 60 });
    const waiting = await d.waitFor(links, (s) => s.runtimeStatus === 'Running');
    expect(waiting.customStatus).toEqual({ waitingFor: 'approval' });
    expect(await d.raise(links, 'ApprovalEvent', { by: 'ada' })).toBe(202);
    const done = await d.waitFor(links, (s) => s.runtimeStatus === 'Completed', {
      query: '?showHistory=true',
    });
    expect(done.output).toEqual({ approved: { by: 'ada' } });
    expect(done.customStatus).toEqual({ waitingFor: 'nothing' });
    expect(events(done, 'TimerCreated')).toHaveLength(1);
    expect(events(done, 'TimerFired')).toHaveLength(0);
    await d.advance(2 * 3600_000);
    const later = await d.status(links, '?showHistory=true');
    expect(later.http).toBe(200);
    expect(events(later.body, 'TimerFired')).toHaveLength(0);
    expect(await d.raise(links, 'ApprovalEvent', true)).toBe(410);
  });

  it('human interaction: the timer wins when nobody answers', async () => {
    const s = await d.waitForCompletion(await d.start('humanInteraction', { timeoutMinutes: 30 }));
    expect(s.output).toEqual({ approved: false, escalated: true });
    expect(Date.parse(s.lastUpdatedTime) - Date.parse(s.createdTime)).toBe(30 * 60_000);
  });

  it('retry with exponential backoff ends in success', async () => {
    const s = await d.waitForCompletion(await d.start('retrySuccess', undefined, `retry-ok-${store}`));
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toEqual({ key: `retry-ok-${store}`, attempts: 3 });
    const delays = events(s, 'TimerCreated').map(
      (t) => Date.parse(String(t.FireAt)) - Date.parse(String(t.Timestamp)),
    );
    expect(delays).toEqual([2000, 4000]);
    expect(events(s, 'TaskFailed')).toHaveLength(2);
  });

  it('retry ends in final failure after the configured attempts', async () => {
    const s = await d.waitForCompletion(await d.start('retryFailure'));
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain('permanently broken');
    expect(events(s, 'TaskFailed')).toHaveLength(3);
  });

  it('a failing sub-orchestration is caught by the parent as a TaskFailedError', async () => {
    const links = await d.start('parentCatches', undefined, `parent-${store}`);
    const s = await d.waitForCompletion(links);
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toMatchObject({ failureType: 'TaskFailedError' });
    expect(String((s.output as { caught: string }).caught)).toContain('child A failed');
    const child = await host.request(`/runtime/webhooks/durabletask/instances/parent-${store}-child`);
    expect(((await child.json()) as { runtimeStatus: string }).runtimeStatus).toBe('Failed');
  });

  it('an uncaught sub-orchestration failure fails the parent', async () => {
    const s = await d.waitForCompletion(await d.start('parentPropagates'));
    expect(s.runtimeStatus).toBe('Failed');
    expect(String(s.output)).toContain('child B failed');
  });

  it('continueAsNew loops with a fresh history each time', async () => {
    const s = await d.waitForCompletion(await d.start('counterLoop', 0));
    expect(s.runtimeStatus).toBe('Completed');
    expect(s.output).toBe(10);
    expect(s.input).toBe(10);
    expect(events(s, 'ExecutionStarted')).toHaveLength(1);
  });

  it('an event raised before the orchestrator waits for it is delivered', async () => {
    const links = await d.start('eventBeforeWait');
    await d.waitFor(links, (s) => s.runtimeStatus === 'Running');
    expect(await d.raise(links, 'Early', 'came early')).toBe(202);
    const s = await d.waitForCompletion(links);
    expect(s.output).toBe('came early');
  });

  it('terminate ends a waiting instance with the reason', async () => {
    const links = await d.start('waitForever');
    await d.waitFor(links, (s) => s.runtimeStatus === 'Running');
    expect(await d.post(links.terminatePostUri, 'no longer needed')).toBe(202);
    const s = await d.waitFor(links, (x) => x.runtimeStatus === 'Terminated');
    expect(s.output).toBe('no longer needed');
    expect(await d.post(links.terminatePostUri, 'again')).toBe(410);
  });

  it('suspend holds events until resume', async () => {
    const links = await d.start('waitForever');
    await d.waitFor(links, (s) => s.runtimeStatus === 'Running');
    expect(await d.post(links.suspendPostUri, 'hold')).toBe(202);
    await d.waitFor(links, (s) => s.runtimeStatus === 'Suspended');
    expect(await d.raise(links, 'Release', 42)).toBe(202);
    await d.idle();
    expect((await d.status(links)).body.runtimeStatus).toBe('Suspended');
    expect(await d.post(links.resumePostUri, 'go')).toBe(202);
    const s = await d.waitFor(links, (x) => x.runtimeStatus === 'Completed');
    expect(s.output).toBe(42);
  });

  it('custom status follows the orchestration', async () => {
    const links = await d.start('customStatus');
    const first = await d.waitFor(links, (s) => s.runtimeStatus === 'Running');
    expect(first.customStatus).toEqual({ step: 1 });
    expect((await d.status(links)).http).toBe(202);
    await d.advance(1000);
    expect((await d.status(links)).body.customStatus).toEqual({ step: 2 });
    await d.raise(links, 'Continue', null);
    const s = await d.waitFor(links, (x) => x.runtimeStatus === 'Completed');
    expect(s.customStatus).toEqual({ step: 3 });
    expect(s.output).toBe('done');
  });

  it('a 7-day durable timer completes in under a second of wall time', async () => {
    const wall = performance.now();
    const links = await d.start('longTimer');
    const s = await d.waitForCompletion(links);
    expect(performance.now() - wall).toBeLessThan(1000);
    expect(Date.parse(String(s.output)) - Date.parse(s.createdTime)).toBeGreaterThanOrEqual(7 * 86400_000);
  });

  it('purges a finished instance', async () => {
    const links = await d.start('sequence');
    await d.waitForCompletion(links);
    const res = await fetch(links.purgeHistoryDeleteUri, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ instancesDeleted: 1 });
    expect((await fetch(links.statusQueryGetUri)).status).toBe(404);
  });

  it('rejects bad input with clear 4xx errors and stores nothing', async () => {
    const before = await (await host.request('/runtime/webhooks/durabletask/instances')).json();
    const malformed = await host.request('/runtime/webhooks/durabletask/orchestrators/sequence', {
      method: 'POST',
      body: '{"oops"',
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBeTruthy();
    const unknownFn = await host.request('/runtime/webhooks/durabletask/orchestrators/doesNotExist', {
      method: 'POST',
    });
    expect(unknownFn.status).toBe(400);
    expect((await host.request('/runtime/webhooks/durabletask/instances/no-such-instance')).status).toBe(404);
    const raise = await host.request(
      '/runtime/webhooks/durabletask/instances/no-such-instance/raiseEvent/x',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: 'true',
      },
    );
    expect(raise.status).toBe(404);
    const eg = await host.request('/runtime/webhooks/EventGrid', {
      method: 'POST',
      headers: { 'aeg-event-type': 'Notification' },
      body: '[]',
    });
    expect(eg.status).toBe(404);
    const unknownAdmin = await host.request('/admin/functions/nope', {
      method: 'POST',
      body: '{"input":""}',
    });
    expect(unknownAdmin.status).toBe(404);
    const after = await (await host.request('/runtime/webhooks/durabletask/instances')).json();
    expect(after).toEqual(before);
  });
});
