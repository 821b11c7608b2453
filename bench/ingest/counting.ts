/**
 * Machine-independent counts for the ingestion benchmark: storage round trips (HTTP requests the Table
 * client sends, or RunStore calls on the memory store, each of which would be one or more) and
 * Durable client calls.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { TableServiceClientOptions } from '@azure/data-tables';
import type { RunStore } from '../../shared/ports/run-store.js';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

export interface Counter {
  /** Calls made on the push path: by the Event Grid handler, before it answers. */
  count: number;
  /** Calls by operation (HTTP method + table, or RunStore method), push path only. */
  byOperation: Map<string, number>;
  /**
   * Calls made by orchestrations and activities the pushes started (a lane taking an image, the chat
   * announcement of a push queued behind a running release): work after the answer, counted apart.
   */
  background: number;
  backgroundByOperation: Map<string, number>;
}

export function newCounter(): Counter {
  return { count: 0, byOperation: new Map(), background: 0, backgroundByOperation: new Map() };
}

export function resetCounter(counter: Counter): void {
  counter.count = 0;
  counter.background = 0;
  counter.byOperation.clear();
  counter.backgroundByOperation.clear();
}

export function snapshotCounter(counter: Counter): Counter {
  return {
    count: counter.count,
    byOperation: new Map(counter.byOperation),
    background: counter.background,
    backgroundByOperation: new Map(counter.backgroundByOperation),
  };
}

/**
 * Set while the dev host runs an orchestrator or an activity (the driver wraps its invoker), so that a
 * storage call is attributed to the push path or to the work the push started after it answered.
 */
export const inBackground = new AsyncLocalStorage<true>();

export function add(counter: Counter, operation: string): void {
  const background = inBackground.getStore() === true;
  if (background) counter.background++;
  else counter.count++;
  const map = background ? counter.backgroundByOperation : counter.byOperation;
  map.set(operation, (map.get(operation) ?? 0) + 1);
}

/** A Table client pipeline policy that counts each request sent (retries included). */
export function countingPolicy(counter: Counter): PipelinePolicy {
  return {
    name: 'gantryBenchCountRequests',
    sendRequest: (request, next) => {
      const path = new URL(request.url).pathname;
      // An entity-group transaction goes to the account's `$batch` endpoint, whatever its table.
      const table = path.endsWith('/$batch')
        ? '$batch'
        : (/\/([A-Za-z0-9]+)(\(|\?|$)/.exec(path)?.[1] ?? '?');
      add(counter, `${request.method} ${table.replace(/^Ingest\d*/, '')}`);
      return next(request);
    },
  };
}

/** The memory store with every RunStore call counted (a call is at least one round trip on Azure). */
export function countingStore<T extends RunStore>(store: T, counter: Counter): T {
  return new Proxy(store, {
    get: (target, property, receiver) => {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        add(counter, String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

export function describeCounts(byOperation: Map<string, number>, per: number): string {
  return [...byOperation]
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${(n / per).toFixed(2)}`)
    .join(', ');
}

type ClientMethod = (...args: unknown[]) => Promise<unknown>;

/** The Durable client calls the app makes, counted on the SDK's client class (one HTTP call each). */
const CLIENT_METHODS = ['getStatus', 'startNew', 'raiseEvent', 'terminate', 'signalEntity'] as const;

let durableCounter: Counter | undefined;

/**
 * Counts the Durable client's calls into `counter` (the app loads the same `durable-functions` module
 * as this process, so patching its class counts the app's calls). Patched once; later calls re-point.
 */
export function countDurableClient(counter: Counter): void {
  const first = durableCounter === undefined;
  durableCounter = counter;
  if (!first) return;
  // The SDK exports the client class only from its implementation module (no package `exports` map).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sdk = require('durable-functions/lib/src/durableClient/DurableClient.js') as {
    DurableClient: { prototype: Record<string, ClientMethod> };
  };
  const proto = sdk.DurableClient.prototype;
  for (const method of CLIENT_METHODS) {
    const original = proto[method];
    if (typeof original !== 'function') continue;
    proto[method] = function (this: unknown, ...args: unknown[]) {
      if (durableCounter) add(durableCounter, method);
      return original.apply(this, args);
    };
  }
}
