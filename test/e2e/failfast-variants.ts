import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { TimelineEntry } from '../../shared/domain/deployment.js';
import { EXAMPLE_CONFIG } from './sandbox-rig.js';

/**
 * The two analysis specs the fail-fast measurement compares (issue 6), shared by
 * `sandbox-failfast.test.ts` and `bench/failfast.ts`: the example configuration as it ships (hard bounds
 * checked every `fastCheckInterval`, alerts, `minRequests`), and the same file with the canary block cut
 * down to what Flagger itself acts on.
 */

interface CanaryBlock {
  metrics?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * Writes `<dir>/gantry.flagger-only.yaml`: `source` with no `failFast` bounds, no `fastCheckInterval`, no
 * `alerts` and `minRequests: 0` in the default canary block; interval, threshold, steps and thresholds
 * stay. Returns its path.
 */
export function writeFlaggerOnlyConfig(dir: string, source = EXAMPLE_CONFIG): string {
  const doc = parse(readFileSync(source, 'utf8')) as { defaults?: { canary?: CanaryBlock } };
  const canary = doc.defaults?.canary;
  if (!canary) throw new Error(`${source} has no defaults.canary block`);
  delete canary.fastCheckInterval;
  delete canary.alerts;
  canary.minRequests = 0;
  for (const metric of canary.metrics ?? []) delete metric.failFast;
  const file = path.join(dir, 'gantry.flagger-only.yaml');
  writeFileSync(file, stringify(doc));
  return file;
}

export interface RollbackTiming {
  /** When the canary first took traffic: the `weight:10` entry (the faulty image is on it by then). */
  faultAt: number;
  /** The first `weight:0` entry after that: traffic is back on the primary. */
  rolledBackAt: number;
  /** Virtual milliseconds between the two. */
  ms: number;
}

/** Time to rollback from a deployment's timeline; throws when the canary never took traffic or never lost it. */
export function rollbackTiming(timeline: readonly TimelineEntry[]): RollbackTiming {
  const fault = timeline.find((e) => e.title === 'weight:10');
  if (!fault) throw new Error('no weight:10 entry: the canary never took traffic');
  const back = timeline.find((e) => e.title === 'weight:0' && e.seq > fault.seq);
  if (!back) throw new Error('no weight:0 entry after weight:10: the canary was not rolled back');
  const faultAt = Date.parse(fault.at);
  const rolledBackAt = Date.parse(back.at);
  return { faultAt, rolledBackAt, ms: rolledBackAt - faultAt };
}
