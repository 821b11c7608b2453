/**
 * The verdict of one phase of a ring that has several targets, pure. A ring's targets run each phase
 * together (canary, then promotion, then verification: every target's phase at once, each with its own
 * analysis against its own cluster), and the ring passes a phase only when every target passed it.
 * Otherwise the worst outcome names the ring's: an operator's interrupt first (it decides whether the
 * run ends Cancelled or RolledBack), then a failure, then a rollback; ties go to the first target in the
 * configured order, so the verdict is the same on every replay.
 */

export type TargetOutcomeKind = 'passed' | 'failed' | 'rolled-back' | 'interrupted';

const RANK: Record<TargetOutcomeKind, number> = { passed: 0, 'rolled-back': 1, failed: 2, interrupted: 3 };

export interface RingPhaseVerdict {
  /** Index of the target whose outcome is the ring's; undefined: every target passed. */
  worst: number | undefined;
  /** Every target that did not pass, in target order. */
  failed: number[];
  /**
   * Targets whose canary traffic must be taken back by the ring: those whose phase threw (it cleaned
   * nothing up) and, when the ring stops after its canary, those that passed it (they keep their last
   * step's weight, and promotion will not run). A target that failed or was interrupted drained itself.
   */
  drain: number[];
}

export function ringPhaseVerdict(
  phase: string,
  outcomes: ReadonlyArray<{ outcome: TargetOutcomeKind; threw?: boolean }>,
): RingPhaseVerdict {
  let worst: number | undefined;
  const failed: number[] = [];
  outcomes.forEach((o, index) => {
    if (o.outcome === 'passed') return;
    failed.push(index);
    const current = worst === undefined ? undefined : outcomes[worst];
    if (!current || RANK[o.outcome] > RANK[current.outcome]) worst = index;
  });
  const stopped = worst !== undefined;
  const drain = outcomes.flatMap((o, index) =>
    o.threw || (stopped && phase === 'canary' && o.outcome === 'passed') ? [index] : [],
  );
  return { worst, failed, drain };
}

/** A target's reason in a ring of several: prefixed with its Argo CD application, so the run says which. */
export const targetReason = (targets: readonly string[], index: number, reason: string): string =>
  targets.length > 1 ? `${targets[index] ?? `target ${index}`}: ${reason}` : reason;
