import type { DurableClient } from 'durable-functions';
import { describe, expect, it } from 'vitest';
import { controlFor } from '../../../functions/durable/control.js';

/**
 * A Durable client that behaves like the host's HTTP API for one instance id: `startNew` answers 409
 * (instance exists) when another caller created the instance between this caller's status read and its
 * start, the interleaving behind two concurrent `POST /api/services/{name}/rollback`.
 */
function racingClient(
  options: { createdByOther: boolean; startError?: Error },
  calls: string[] = [],
): DurableClient {
  let status: string | undefined;
  const client = {
    async getStatus() {
      calls.push('getStatus');
      if (status === undefined) throw new Error('404 No instance with ID rollback:ApiGateway');
      return { runtimeStatus: status, customStatus: null };
    },
    async startNew() {
      calls.push('startNew');
      if (options.createdByOther) {
        status = 'Running';
        throw new Error("409 An orchestration with instance ID 'rollback:ApiGateway' already exists.");
      }
      if (options.startError) throw options.startError;
      status = 'Running';
      return 'rollback:ApiGateway';
    },
  };
  return client as unknown as DurableClient;
}

describe('controlFor(client).start', () => {
  it('reports a start lost to a concurrent caller as running, not as an error', async () => {
    const control = controlFor(racingClient({ createdByOther: true }));
    await expect(control.start('rollback', 'rollback:ApiGateway', {})).resolves.toBe('running');
  });

  it('starts an absent instance', async () => {
    const control = controlFor(racingClient({ createdByOther: false }));
    await expect(control.start('rollback', 'rollback:ApiGateway', {})).resolves.toBe('started');
    await expect(control.start('rollback', 'rollback:ApiGateway', {})).resolves.toBe('running');
  });

  it('still throws a start failure that left no live instance', async () => {
    const boom = new Error('503 task hub unavailable');
    const control = controlFor(racingClient({ createdByOther: false, startError: boom }));
    await expect(control.start('rollback', 'rollback:ApiGateway', {})).rejects.toBe(boom);
  });

  it('with fresh, starts without reading the status first (one call)', async () => {
    const calls: string[] = [];
    const control = controlFor(racingClient({ createdByOther: false }, calls));
    await expect(control.start('announceQueued', 'a:1', {}, { fresh: true })).resolves.toBe('started');
    expect(calls).toEqual(['startNew']);
  });

  it('with fresh, still reports an instance that exists after all as running', async () => {
    const calls: string[] = [];
    const control = controlFor(racingClient({ createdByOther: true }, calls));
    await expect(control.start('announceQueued', 'a:1', {}, { fresh: true })).resolves.toBe('running');
    expect(calls).toEqual(['startNew', 'getStatus']);
  });
});

/** A Durable client whose lane instance has `customStatus` (undefined: no lane), recording calls. */
function laneClient(customStatus: unknown, calls: string[]): DurableClient {
  const client = {
    async getStatus(id: string) {
      calls.push(`getStatus ${id}`);
      if (customStatus === undefined) throw new Error(`404 No instance with ID ${id}`);
      return { runtimeStatus: 'Running', customStatus };
    },
    async startNew(name: string) {
      calls.push(`startNew ${name}`);
      return 'lane:ApiGateway';
    },
    async raiseEvent(id: string, event: string) {
      calls.push(`raiseEvent ${id} ${event}`);
    },
  };
  return client as unknown as DurableClient;
}

describe('controlFor(client).ensureLane', () => {
  it.each([
    [
      'a lane running a pipeline: one status read, no wake',
      { lane: 'ApiGateway', running: 'd-1' },
      'd-1',
      ['getStatus lane:ApiGateway'],
    ],
    [
      'a lane waiting for queued images: woken',
      { lane: 'ApiGateway', waitingFor: 'queued images' },
      undefined,
      ['getStatus lane:ApiGateway', 'raiseEvent lane:ApiGateway wake'],
    ],
    [
      'a lane about to read its queue: woken (the wake waits for it)',
      { lane: 'ApiGateway', checking: true },
      undefined,
      ['getStatus lane:ApiGateway', 'raiseEvent lane:ApiGateway wake'],
    ],
    ['no lane yet: started', undefined, undefined, ['getStatus lane:ApiGateway', 'startNew lane']],
  ])('%s', async (_case, customStatus, behind, expected) => {
    const calls: string[] = [];
    const control = controlFor(laneClient(customStatus, calls));
    await expect(control.ensureLane('ApiGateway', 'sha256:abc')).resolves.toBe(behind);
    expect(calls).toEqual(expected);
  });
});
