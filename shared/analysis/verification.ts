import type { RolloutState } from '../ports/cluster.js';
import type { VerificationSpec } from '../contracts/plan.js';
import type { CheckEvidence } from './judge.js';
import type { TimelineEntry } from '../domain/deployment.js';

/**
 * Post-promotion verification rules: "out of bounds for a duration" per metric rule, pod crash loops
 * (immediate) and the primary's readiness failure ratio (for a duration). Pure: the orchestration keeps
 * `since` (when each rule started breaching) between rounds.
 */

export interface Observation {
  name: string;
  breached: boolean;
  /** Breach tolerated this long before it counts; 0 = at once. */
  for: number;
  reason?: string;
}

export interface Sustained {
  name: string;
  breachedForMs: number;
  reason: string;
}

/** Rule observations of one round: a metric rule breaches only on `fail` (no data is not a breach). */
export function observe(
  spec: VerificationSpec,
  checks: readonly CheckEvidence[],
  pods?: RolloutState,
): Observation[] {
  const out: Observation[] = spec.rules.map((rule) => {
    const check = checks.find((c) => c.name === rule.name && c.kind === 'metric');
    return {
      name: rule.name,
      breached: check?.verdict === 'fail',
      for: rule.for,
      reason: check?.reason ?? 'no check',
    };
  });
  if (pods && spec.crashLoops !== false) {
    out.push({
      name: 'crash-loops',
      breached: pods.crashLooping.length > 0,
      for: 0,
      reason: `pods crash-looping: ${pods.crashLooping.join(', ')}`,
    });
  }
  if (pods && spec.health) {
    const ratio = pods.replicas > 0 ? (pods.replicas - pods.readyReplicas) / pods.replicas : 0;
    out.push({
      name: 'health',
      breached: ratio > spec.health.maxRatio,
      for: spec.health.for,
      reason: `${pods.replicas - pods.readyReplicas}/${pods.replicas} pods not ready (max ratio ${spec.health.maxRatio})`,
    });
  }
  return out;
}

/** Updates when each rule started breaching and returns the first breach held for its duration. */
export function track(
  since: Readonly<Record<string, number>>,
  observations: readonly Observation[],
  now: number,
): { since: Record<string, number>; sustained?: Sustained; durations: Record<string, number> } {
  const next: Record<string, number> = {};
  const durations: Record<string, number> = {};
  let sustained: Sustained | undefined;
  for (const o of observations) {
    if (!o.breached) {
      durations[o.name] = 0;
      continue;
    }
    const start = since[o.name] ?? now;
    next[o.name] = start;
    durations[o.name] = now - start;
    if (!sustained && now - start >= o.for)
      sustained = { name: o.name, breachedForMs: now - start, reason: o.reason ?? 'breached' };
  }
  return { since: next, durations, ...(sustained && { sustained }) };
}

type Entry = Pick<TimelineEntry, 'kind' | 'title' | 'verdict' | 'evidence'>;

/**
 * Pure: one verification round judged at `now` (the round's time): each metric check and the pod watch
 * as `verify:<name>` timeline entries, the rules' breach starts to keep, and a breach held long enough.
 * The `verifyRound` activity writes these entries and the orchestration acts on the same result.
 */
export function judgeRound(
  spec: VerificationSpec,
  checks: readonly CheckEvidence[],
  pods: RolloutState | undefined,
  since: Readonly<Record<string, number>>,
  now: number,
): { since: Record<string, number>; sustained?: Sustained; entries: Entry[] } {
  const observed = observe(spec, checks, pods);
  const podsBreached = observed.some((o) => o.breached && (o.name === 'crash-loops' || o.name === 'health'));
  const tracked = track(since, observed, now);
  const entries: Entry[] = checks.map((c) => ({
    kind: 'check',
    title: `verify:${c.name}`,
    verdict: c.verdict,
    evidence: { ...c, breachedForMs: tracked.durations[c.name] ?? 0 },
  }));
  if (pods)
    entries.push({
      kind: 'check',
      title: 'verify:pods',
      // No pods reported is no evidence of health: inconclusive, not pass (the rollback rule is unchanged).
      verdict: podsBreached ? 'fail' : pods.replicas === 0 ? 'inconclusive' : 'pass',
      evidence: { ...pods, breachedForMs: tracked.durations.health ?? 0 },
    });
  return { since: tracked.since, entries, ...(tracked.sustained && { sustained: tracked.sustained }) };
}

/** How many entries a round writes, known before it runs (the orchestration reserves their seqs). */
export function verifyEntryCount(spec: VerificationSpec, watchPods: boolean): number {
  return spec.rules.length + spec.rules.filter((r) => r.metric.failFast).length + (watchPods ? 1 : 0);
}
