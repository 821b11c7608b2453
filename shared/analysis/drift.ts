import type { DriftPolicy } from '../contracts/plan.js';
import type { RolloutState } from '../ports/cluster.js';

/** What the cluster says about the canary before the next traffic step. */
export interface ObservedCanary {
  /** The canary's share as the router routes it now. */
  weight: number;
  rollout: RolloutState;
}

export interface DriftFinding {
  kind: 'weight' | 'readiness';
  reason: string;
}

/**
 * The recorded weight is what Gantry last set, not necessarily what runs: a restart, a hand edit or a
 * GitOps self-heal can change the router, and pods can stop being ready. Readiness first: a canary that
 * is not serving makes its weight meaningless.
 */
export function driftOf(expected: number, observed: ObservedCanary): DriftFinding | undefined {
  const { rollout } = observed;
  if (rollout.crashLooping.length > 0)
    return { kind: 'readiness', reason: `canary pods crash-looping: ${rollout.crashLooping.join(', ')}` };
  if (!rollout.ready)
    return {
      kind: 'readiness',
      reason: `canary not ready: ${rollout.readyReplicas}/${rollout.replicas} pods ready`,
    };
  if (observed.weight !== expected)
    return {
      kind: 'weight',
      reason: `the router sends ${Number.isFinite(observed.weight) ? observed.weight : 'an unreadable'}% to the canary; Gantry set ${expected}%`,
    };
  return undefined;
}

/** A weight drift is corrected by the next step (or paused, as the spec says); readiness always pauses. */
export const driftAction = (finding: DriftFinding, policy: DriftPolicy): 'correct' | 'pause' =>
  finding.kind === 'readiness' ? 'pause' : policy;
