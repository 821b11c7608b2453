/**
 * Timing proxies for one dev host: the store's methods and the function invoker are wrapped (own
 * properties shadowing the prototype methods of the very objects the engine holds), so each run can
 * report where its wall time went: store calls vs orchestrator invocations (SDK replay) vs activities.
 * Cost: two `performance.now()` calls per wrapped call, a few hundred nanoseconds.
 */
import type { DevHost } from '../../devhost/host.js';
import type { Breakdown } from './measure.js';

type AsyncMethod = (...args: never[]) => Promise<unknown>;

export interface Probes {
  /** Clears the counters (call just before a measured run). */
  reset(): void;
  snapshot(): Breakdown;
}

export const ORCHESTRATOR = 'orchestrator (SDK replay)';
const STORE_METHODS = ['commitEpisode', 'enqueue', 'putInstance', 'getInstance'] as const;

export function installProbes(host: DevHost): Probes {
  let totals: Breakdown = {};
  const add = (key: string, ms: number): void => {
    const entry = (totals[key] ??= { calls: 0, ms: 0 });
    entry.calls++;
    entry.ms += ms;
  };
  const wrap = <T extends object>(target: T, method: string, key: (args: unknown[]) => string): void => {
    const record = target as Record<string, AsyncMethod>;
    const original = record[method];
    if (typeof original !== 'function') throw new Error(`cannot probe ${method}: not a method`);
    const bound = original.bind(target) as (...args: unknown[]) => Promise<unknown>;
    record[method] = (async (...args: unknown[]) => {
      const t0 = performance.now();
      try {
        return await bound(...args);
      } finally {
        add(key(args), performance.now() - t0);
      }
    }) as AsyncMethod;
  };
  for (const method of STORE_METHODS) wrap(host.store, method, () => `store.${method}`);
  const invoker = host.functionHost.invoker;
  wrap(invoker, 'invoke', (args) => {
    const type = invoker.get(String(args[0]))?.trigger.type;
    if (type === 'orchestrationTrigger') return ORCHESTRATOR;
    // Anything else that is not an activity (HTTP triggers of the Gantry app) gets its own key.
    return type === 'activityTrigger' || type === undefined ? 'activity' : `function (${type})`;
  });
  return {
    reset() {
      totals = {};
    },
    snapshot() {
      return structuredClone(totals);
    },
  };
}
