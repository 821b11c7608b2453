import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import {
  coreApi,
  currentRegistry,
  Disposable,
  install,
  Registry,
  uninstall,
} from '../../../devhost/functions/core-module.js';
import type { FunctionMetadata } from '../../../devhost/functions/types.js';
import { memoryLogger } from '../host-test-helpers.js';

const requireHere = createRequire(__filename);
afterEach(() => uninstall());

function metadata(name: string, extra: Partial<FunctionMetadata> = {}): FunctionMetadata {
  return {
    name,
    bindings: { trig: { type: 'httpTrigger', direction: 'in' }, $return: { type: 'http', direction: 'out' } },
    ...extra,
  };
}

describe('Registry', () => {
  it('keys functions by functionId ?? name and refuses duplicates', () => {
    const registry = new Registry();
    registry.registerFunction(metadata('a'), () => 1);
    registry.registerFunction(metadata('b', { functionId: 'id-b' }), () => 2);
    expect(registry.get('a')?.triggerName).toBe('trig');
    expect(registry.get('id-b')?.name).toBe('b');
    expect(() => registry.registerFunction(metadata('a'), () => 3)).toThrow(
      'A function with id "a" has already been registered.',
    );
  });

  it('requires exactly one trigger and a callback', () => {
    const registry = new Registry();
    const noTrigger: FunctionMetadata = { name: 'x', bindings: { o: { type: 'http', direction: 'out' } } };
    expect(() => registry.registerFunction(noTrigger, () => 1)).toThrow(
      /exactly one trigger binding, found 0/,
    );
    expect(() => registry.registerFunction(metadata('y'), undefined as never)).toThrow(/without a callback/);
  });

  it('lets a registration be disposed only before the lock', () => {
    const registry = new Registry();
    const first = registry.registerFunction(metadata('a'), () => 1);
    first.dispose();
    expect(registry.get('a')).toBeUndefined();
    const second = registry.registerFunction(metadata('a'), () => 1);
    registry.lock();
    expect(() => registry.registerFunction(metadata('b'), () => 1)).toThrow(
      'Cannot register function "b": registration is only allowed during app startup.',
    );
    expect(() => second.dispose()).toThrow(/only allowed during app startup/);
  });

  it('runs hooks in order, awaiting each, and supports disposing them', async () => {
    const registry = new Registry();
    const order: string[] = [];
    registry.registerHook('preInvocation', async () => {
      await Promise.resolve();
      order.push('one');
    });
    const two = registry.registerHook('preInvocation', () => {
      order.push('two');
    });
    await registry.runHooks('preInvocation', {});
    two.dispose();
    await registry.runHooks('preInvocation', {});
    expect(order).toEqual(['one', 'two', 'one']);
    expect(registry.hookCount('preInvocation')).toBe(1);
    expect(() => registry.registerHook('onFire', () => 1)).toThrow(RangeError);
  });

  it('passes log lines through log hooks, which may rewrite them', () => {
    const logger = memoryLogger();
    const registry = new Registry(logger);
    registry.registerHook('log', (ctx) => {
      if (ctx.message === 'secret') ctx.message = '***';
      if (ctx.message === 'quiet') ctx.level = 'none';
      if (ctx.message === 'reenter') registry.emitLog('information', 'user', 'from hook');
    });
    registry.emitLog('warning', 'system', 'secret');
    registry.emitLog('information', 'user', 'quiet');
    registry.emitLog('information', 'user', 'reenter', { functionName: 'f' });
    expect(logger.lines).toEqual([
      { level: 'warning', text: '[system] ***' },
      { level: 'information', text: '[user] from hook' },
      { level: 'information', text: '[f] reenter' },
    ]);
  });
});

describe('Disposable', () => {
  it('disposes once, and from() disposes all', () => {
    let calls = 0;
    const d = new Disposable(() => calls++);
    const all = Disposable.from(d, new Disposable(() => calls++));
    all.dispose();
    all.dispose();
    d.dispose();
    expect(calls).toBe(2);
  });
});

describe('install / uninstall', () => {
  it('answers exactly "@azure/functions-core" while installed and forwards to the current registry', () => {
    expect(() => requireHere('@azure/functions-core')).toThrow(/Cannot find module/);
    const registry = new Registry();
    install(registry);
    install(registry); // idempotent
    expect(requireHere('@azure/functions-core')).toBe(coreApi);
    expect(requireHere('node:path')).toBe(requireHere('path'));
    coreApi.registerFunction(metadata('viaCore'), () => 1);
    expect(registry.get('viaCore')).toBeDefined();
    const model = { name: '@azure/functions' };
    coreApi.setProgrammingModel(model);
    expect(coreApi.getProgrammingModel()).toBe(model);
    expect(currentRegistry()).toBe(registry);
    uninstall(new Registry()); // not the current one: no effect
    expect(currentRegistry()).toBe(registry);
    uninstall(registry);
    expect(() => requireHere('@azure/functions-core')).toThrow(/Cannot find module/);
  });

  it('refuses use of the cached facade when no host is active', () => {
    expect(() => coreApi.registerFunction(metadata('x'), () => 1)).toThrow(
      /no dev host is loading or running/,
    );
    expect(() => coreApi.registerHook('appStart', () => 1)).toThrow(/no dev host/);
  });

  it('routes library logs to the current registry', () => {
    const logger = memoryLogger();
    install(new Registry(logger));
    coreApi.log('information', 'system', 'hello');
    expect(logger.lines).toEqual([{ level: 'information', text: '[system] hello' }]);
  });
});
