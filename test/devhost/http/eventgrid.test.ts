import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFunctionHost, type RunningFunctionHost } from '../../../devhost/function-host.js';
import { createEventGridRoute } from '../../../devhost/http/eventgrid.js';
import { basicState, fixtureApp, ManualClock, memoryLogger } from '../host-test-helpers.js';

const logger = memoryLogger();
let host: RunningFunctionHost;
let hook: string;

beforeAll(async () => {
  host = await startFunctionHost({
    appDir: fixtureApp('basic'),
    port: 0,
    clock: new ManualClock(0),
    logger,
    env: {},
    timers: false,
  });
  hook = `${host.url}/runtime/webhooks/EventGrid?functionName=onEvent`;
});
afterAll(() => host.close());

const post = (url: string, body: unknown, eventType?: string) =>
  fetch(url, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: eventType ? { 'aeg-event-type': eventType, 'content-type': 'application/json' } : {},
  });

const event = (id: string, subject = 'ok') => ({
  id,
  topic: '/subscriptions/x',
  subject,
  eventType: 'Microsoft.ContainerRegistry.ImagePushed',
  eventTime: '2025-01-01T00:00:00Z',
  data: { target: { digest: `sha256:${id}` } },
  dataVersion: '1',
  metadataVersion: '1',
});

describe('Event Grid webhook', () => {
  it('answers the subscription validation handshake (Event Grid schema array)', async () => {
    const res = await post(
      hook,
      [
        {
          ...event('v'),
          eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
          data: { validationCode: 'abc' },
        },
      ],
      'SubscriptionValidation',
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ validationResponse: 'abc' });
  });

  it('answers the validation handshake for a CloudEvent whose data is a JSON string', async () => {
    const cloudEvent = {
      specversion: '1.0',
      id: '1',
      source: 's',
      type: 't',
      data: '{"validationCode":"xyz"}',
    };
    const res = await post(hook, cloudEvent, 'SubscriptionValidation');
    expect(await res.json()).toEqual({ validationResponse: 'xyz' });
    expect((await post(hook, { data: 'not json' }, 'SubscriptionValidation')).status).toBe(400);
  });

  it('answers the OPTIONS abuse-protection handshake', async () => {
    const known = await fetch(hook, {
      method: 'OPTIONS',
      headers: { 'WebHook-Request-Origin': 'eventgrid.azure.us' },
    });
    expect(known.status).toBe(200);
    expect(known.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.us');
    const other = await fetch(hook, {
      method: 'OPTIONS',
      headers: { 'WebHook-Request-Origin': 'evil.example' },
    });
    expect(other.headers.get('webhook-allowed-origin')).toBe('eventgrid.azure.net');
  });

  it('invokes once per event of a batch and answers 202', async () => {
    const before = basicState().events.length;
    const res = await post(hook, [event('1'), event('2'), event('3')], 'Notification');
    expect(res.status).toBe(202);
    expect(await res.text()).toBe('');
    const received = basicState().events.slice(before);
    expect(received.map((e) => e.event.id).sort()).toEqual(['1', '2', '3']);
    expect(received[0]?.triggerMetadata).toEqual({ data: received[0]?.event.data });
  });

  it('accepts a single event object and a lower-case extension name', async () => {
    const before = basicState().events.length;
    const res = await post(
      `${host.url}/runtime/webhooks/eventgrid?functionName=onevent`,
      event('solo'),
      'Notification',
    );
    expect(res.status).toBe(202);
    expect(
      basicState()
        .events.slice(before)
        .map((e) => e.event.id),
    ).toEqual(['solo']);
  });

  it('answers 500 with the first failure when an invocation fails', async () => {
    const res = await post(hook, [event('a'), event('b', 'fail')], 'Notification');
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: { code: 'function-failed', message: 'event b failed' } });
    expect(logger.lines.some((l) => l.level === 'error' && l.text.includes('Error: event b failed'))).toBe(
      true,
    );
  });

  it('answers 404 for a missing, unknown or non-Event-Grid function', async () => {
    for (const [query, name] of [
      ['', ''],
      ['?functionName=nope', 'nope'],
      ['?functionName=hello', 'hello'],
    ]) {
      const res = await post(`${host.url}/runtime/webhooks/EventGrid${query}`, [event('x')], 'Notification');
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({
        error: { code: 'function-not-found', message: `cannot find function: '${name}'` },
      });
    }
  });

  it('answers 400 for a missing event type header or malformed JSON, 202 for Unsubscribe', async () => {
    expect((await post(hook, [event('x')])).status).toBe(400);
    expect((await post(hook, '{not json', 'Notification')).status).toBe(400);
    expect((await post(hook, '', 'Unsubscribe')).status).toBe(202);
  });

  it('requires the master or eventgrid_extension key when keys are configured', async () => {
    const route = createEventGridRoute({
      invoker: host.invoker,
      keys: { master: 'm', system: { eventgrid_extension: 'eg' } },
    });
    const request = (code: string) => {
      const url = new URL(`http://h/runtime/webhooks/EventGrid?functionName=onEvent&code=${code}`);
      return {
        method: 'POST',
        url,
        origin: url.origin,
        headers: { 'aeg-event-type': 'Unsubscribe' },
        body: Buffer.alloc(0),
      };
    };
    expect((await route(request('wrong')))?.status).toBe(401);
    expect((await route(request('eg')))?.status).toBe(202);
    expect((await route(request('m')))?.status).toBe(202);
    const put = { ...request('m'), method: 'PATCH' };
    expect(await route(put)).toBeUndefined();
  });
});
