/**
 * Machine-independent counts for the ingestion benchmark: storage round trips (HTTP requests the Table
 * client sends, or RunStore calls on the memory store, each of which would be one or more) and
 * Durable client calls.
 */
import type { TableServiceClientOptions } from '@azure/data-tables';
import type { RunStore } from '../../shared/ports/run-store.js';

type PipelinePolicy = NonNullable<TableServiceClientOptions['additionalPolicies']>[number]['policy'];

export interface Counter {
  count: number;
  /** Calls by operation (HTTP method + table, or RunStore method). */
  byOperation: Map<string, number>;
}

export function newCounter(): Counter {
  return { count: 0, byOperation: new Map() };
}

function add(counter: Counter, operation: string): void {
  counter.count++;
  counter.byOperation.set(operation, (counter.byOperation.get(operation) ?? 0) + 1);
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

export function describeCounts(counter: Counter, per: number): string {
  return [...counter.byOperation]
    .sort((a, b) => b[1] - a[1])
    .map(([op, n]) => `${op} ${(n / per).toFixed(2)}`)
    .join(', ');
}
