import { HttpRequest, HttpResponse, InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry, uninstall } from '../../../devhost/functions/core-module.js';
import { effectiveOptions, Invoker, loadFunctionsModule } from '../../../devhost/functions/invoker.js';
import { loadApp } from '../../../devhost/functions/loader.js';
import { basicState, fixtureApp, memoryLogger } from '../host-test-helpers.js';

const logger = memoryLogger();
const registry = new Registry(logger);
let invoker: Invoker;

beforeAll(async () => {
  await loadApp(fixtureApp('basic'), registry);
  invoker = new Invoker({ registry, sdk: loadFunctionsModule(fixtureApp('basic')), logger });
});
afterAll(() => uninstall(registry));

function get(url: string): HttpRequest {
  return new HttpRequest({ method: 'GET', url });
}

const clientData = (hub: string) => ({
  taskHubName: hub,
  creationUrls: { createNewInstancePostUri: 'http://localhost:1/x' },
  managementUrls: { id: 'INSTANCEID', statusQueryGetUri: 'http://localhost:1/i/INSTANCEID' },
  baseUrl: 'http://localhost:1/runtime/webhooks/durabletask',
  requiredQueryStringParameters: '',
  rpcBaseUrl: 'http://127.0.0.1:1/durabletask/',
});

describe('Invoker', () => {
  it("uses the app's own @azure/functions copy", () => {
    expect(invoker.sdk.HttpResponse).toBe(HttpResponse);
    expect(invoker.list().length).toBe(registry.list().length);
  });

  it('invokes the captured callback with a fresh context and routes ctx.log to the host logger', async () => {
    const { result } = await invoker.invoke('hello', get('http://h/api/hello?name=Ada'), {
      invocationId: 'inv-1',
    });
    expect(result).toEqual({ jsonBody: { hello: 'Ada', all: ['Ada'] } });
    expect(logger.lines).toContainEqual({ level: 'information', text: '[hello] hello called with Ada' });
    expect(
      logger.lines.some(
        (l) => l.level === 'debug' && l.text.includes("Executed 'Functions.hello' (Succeeded"),
      ),
    ).toBe(true);
  });

  it('mirrors the metadata in context.options with binding keys as names', () => {
    const fn = invoker.get('startOrch');
    if (!fn) throw new Error('startOrch missing');
    const options = effectiveOptions(fn);
    expect(options.trigger).toMatchObject({ type: 'httpTrigger', name: fn.triggerName });
    expect(options.return).toMatchObject({ type: 'http', name: '$return' });
    expect(options.extraInputs).toEqual([
      expect.objectContaining({ type: 'durableClient', name: 'durableClientInputd82f0ee27b' }),
    ]);
    expect(options.extraOutputs).toEqual([]);
  });

  it('fills input bindings from providers so durable getClient works, passing the origin', async () => {
    const calls: unknown[] = [];
    invoker.provideInput('durableClient', (binding, origin) => {
      calls.push({ binding: binding.name, origin });
      return clientData('BasicHub');
    });
    const req = new HttpRequest({
      method: 'POST',
      url: 'http://o:1/api/orchestrators/orch',
      params: { name: 'orch' },
    });
    const { result } = await invoker.invoke('startOrch', req, { origin: 'http://o:1' });
    expect(result).toEqual({ jsonBody: { hub: 'BasicHub', url: 'http://o:1/api/orchestrators/orch' } });
    expect(calls).toEqual([{ binding: 'durableClientInputd82f0ee27b', origin: 'http://o:1' }]);
    expect(df.input.durableClient().name).toBe('durableClientInputd82f0ee27b');
  });

  it('fails clearly for an input type nobody provides', async () => {
    invoker.provideInput('durableClient', () => clientData('BasicHub'));
    await expect(invoker.invoke('needsBlob', get('http://h/api/needs-blob'))).rejects.toThrow(
      /input binding "blobInput[0-9a-f]{10}" of type "blob" that the dev host cannot provide \(input types it can provide: durableClient\)/,
    );
  });

  it('fails clearly for an unknown function', async () => {
    await expect(invoker.invoke('nope', null)).rejects.toThrow('Function "nope" is not registered.');
  });

  it('returns values set on extra outputs, keyed by binding name', async () => {
    const req = new HttpRequest({ method: 'POST', url: 'http://h/api/with-output' });
    const outcome = await invoker.invoke('withOutput', req);
    expect(outcome).toEqual({ result: { status: 204 }, extraOutputs: { outQueue: { queued: true } } });
  });

  it('lets preInvocation hooks swap the handler and postInvocation hooks rewrite the result', async () => {
    const { result } = await invoker.invoke('hooked', get('http://h/api/hooked'));
    expect(result).toEqual({ jsonBody: { wrapped: { handler: true }, post: 'pre' } });
  });

  it('lets postInvocation hooks clear an error', async () => {
    const { result } = await invoker.invoke('swallowed', get('http://h/api/swallowed'));
    expect(result).toEqual({ status: 299, body: 'swallowed: handled by hook' });
  });

  it('passes inputs changed by a preInvocation hook, and rejects with what the handler threw', async () => {
    const dispose = registry.registerHook('preInvocation', (ctx) => {
      if ((ctx.invocationContext as InvocationContext).functionName === 'queueish') ctx.inputs = ['replaced'];
    });
    await invoker.invoke('queueish', 'original', { triggerMetadata: { dequeueCount: 1 } });
    dispose.dispose();
    expect(basicState().generic.at(-1)).toBe('replaced');
    await expect(invoker.invoke('boom', get('http://h/api/boom'))).rejects.toThrow('secret failure detail');
  });

  it('runs activity and orchestrator callbacks (the Durable wrappers) directly', async () => {
    const { result } = await invoker.invoke('greet', 'Ada');
    expect(result).toBe('Hello, Ada!');
  });
});
